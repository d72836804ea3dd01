using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>The admin keys (section <c>Admin</c>, validated at start-up), the filter every <c>/admin</c> group uses, and the forward-to rule of admin writes, and the number claims every admin write of a number goes through.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton<AdminKeyFilter>();
        services.TryAddSingleton<ForwardToConflicts>();
        services.TryAddSingleton<NumberClaims>();
        services.TryAddSingleton(sp => new SiteNumbers(sp.GetRequiredService<SiteStore>(), sp.GetRequiredService<NumberPool>(),
            sp.GetRequiredService<NumberClaims>(), sp.GetRequiredService<NumberIndex>(), sp.GetRequiredService<SiteAdminLock>(), sp.GetRequiredService<CustomerLab.Edge.Record.SiteRecorder>(),
            sp.GetRequiredService<LeaseHistoryWriter>().RecordEnd));
        return services;
    }
}
