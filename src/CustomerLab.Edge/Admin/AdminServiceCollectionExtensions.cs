using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>The admin keys (section <c>Admin</c>, validated at start-up), the filter every <c>/admin</c> group uses, and the forward-to rule of admin writes.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton<AdminKeyFilter>();
        services.TryAddSingleton<ForwardToConflicts>();
        return services;
    }
}
