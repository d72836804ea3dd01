using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Tag;

internal static class TagServiceCollectionExtensions
{
    /// <summary>The tag's options, its asset (watched on disk), output caching and its health check.</summary>
    public static IServiceCollection AddTag(this IServiceCollection services)
    {
        services.AddOptions<TagOptions>().BindConfiguration(TagOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TagOptions>, TagOptionsValidator>());
        services.TryAddSingleton<TagAssets>();
        services.AddOutputCache();
        services.AddHealthChecks().AddCheck<TagHealthCheck>("tag", tags: ["ready"]);
        return services;
    }
}
