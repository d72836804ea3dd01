using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>The admin keys (section <c>Admin</c>, validated at start-up) and the filter every <c>/admin</c> group uses.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton<AdminKeyFilter>();
        return services;
    }
}
