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
        services.AddOptions<NumbersOptions>().BindConfiguration(NumbersOptions.Section).ValidateOnStart();
        services.AddOptions<CookieSettings>().BindConfiguration(CookieSettings.Section).ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CookieSettings>, CookieSettingsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton<NumberPool>();
        services.TryAddSingleton<NumberIndex>();
        services.TryAddSingleton<SiteStore>();
        services.TryAddSingleton<VisitorCookies>();
        services.TryAddSingleton<AdminKeyFilter>();
        // Its spool's directory sits beside the pageviews' one (Delivery:SpoolPath, bound by AddDelivery).
        services.TryAddSingleton<LeaseHistoryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseHistoryWriter>());
        services.TryAddSingleton<ExhaustionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ExhaustionWriter>());
        services.AddHostedService<NumberPoolWarmup>();
        return services;
    }
}
