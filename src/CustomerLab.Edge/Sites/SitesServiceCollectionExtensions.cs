using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Sites;

internal static class SitesServiceCollectionExtensions
{
    /// <summary>The site store (configuration in Redis, cached per edge) and the shared steps of the tag's requests.</summary>
    public static IServiceCollection AddSites(this IServiceCollection services)
    {
        services.TryAddSingleton<SiteStore>();
        services.TryAddSingleton<TagRequests>();
        services.TryAddSingleton<SiteAdminLock>();
        return services;
    }
}
