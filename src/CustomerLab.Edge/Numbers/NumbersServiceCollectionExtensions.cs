using CustomerLab.Edge.Admin;
using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Numbers;

internal static class NumbersServiceCollectionExtensions
{
    /// <summary>Sites, pools, cookies, the lease history writer and the admin key check.</summary>
    public static IServiceCollection AddNumberPools(this IServiceCollection services)
    {
        services.AddOptions<NumbersOptions>().BindConfiguration(NumbersOptions.Section).ValidateOnStart()
            .Validate(o => o.RedisTimeoutMs is >= 1 and <= 10_000 && o.RedisMaxWaitMs is >= 1 and <= 30_000 && o.MaxAssignmentsInFlight is >= 1 and <= 10_000,
                "Numbers:RedisTimeoutMs must be between 1 and 10000, Numbers:RedisMaxWaitMs between 1 and 30000, Numbers:MaxAssignmentsInFlight between 1 and 10000.");
        services.AddOptions<CookieSettings>().BindConfiguration(CookieSettings.Section).ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CookieSettings>, CookieSettingsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton<NumberPool>();
        services.TryAddSingleton<BoundedAssignment>();
        services.TryAddSingleton<NumberIndex>();
        services.TryAddSingleton<SiteStore>();
        services.TryAddSingleton<NumberClaims>();
        services.TryAddSingleton<SiteAdminLock>();
        services.TryAddSingleton(sp => new SiteNumbers(sp.GetRequiredService<SiteStore>(), sp.GetRequiredService<NumberPool>(),
            sp.GetRequiredService<NumberClaims>(), sp.GetRequiredService<NumberIndex>(), sp.GetRequiredService<SiteAdminLock>(),
            sp.GetRequiredService<LeaseHistoryWriter>().RecordEnd));
        services.TryAddSingleton<VisitorCookies>();
        services.TryAddSingleton<AdminKeyFilter>();
        // Its spool's directory sits beside the events' one (Events:SpoolPath), whose options AddEvents binds.
        services.TryAddSingleton<LeaseHistoryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseHistoryWriter>());
        services.TryAddSingleton<ExhaustionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ExhaustionWriter>());
        services.AddHostedService<NumberPoolWarmup>();
        return services;
    }
}
