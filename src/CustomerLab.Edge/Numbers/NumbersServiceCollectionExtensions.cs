using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Numbers;

internal static class NumbersServiceCollectionExtensions
{
    /// <summary>Pools, cookies and the lease history writer (sites: <see cref="Sites.SitesServiceCollectionExtensions.AddSites"/>).</summary>
    public static IServiceCollection AddNumberPools(this IServiceCollection services)
    {
        services.AddOptions<NumbersOptions>().BindConfiguration(NumbersOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NumbersOptions>, NumbersOptionsValidator>());
        services.AddOptions<CookieSettings>().BindConfiguration(CookieSettings.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CookieSettings>, CookieSettingsValidator>());
        services.TryAddSingleton<NumberPool>();
        services.TryAddSingleton<BoundedAssignment>();
        services.TryAddSingleton<LeaseGenerations>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseGenerations>());
        services.TryAddSingleton<SignedRenewals>();
        services.TryAddSingleton<NumberMetrics>();
        services.TryAddSingleton<NumberIndex>();
        services.TryAddSingleton<VisitorCookies>();
        // Its spool's directory sits beside the pageviews' one (Delivery:SpoolPath, bound by AddDelivery).
        services.TryAddSingleton<LeaseHistoryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseHistoryWriter>());
        services.TryAddSingleton<ExhaustionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ExhaustionWriter>());
        services.AddHostedService<NumberPoolWarmup>();
        return services;
    }
}
