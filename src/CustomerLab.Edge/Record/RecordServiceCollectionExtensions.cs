using CustomerLab.Edge.Sites;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Record;

internal static class RecordServiceCollectionExtensions
{
    /// <summary>
    /// The durable record of configuration in ClickHouse (section <c>Record</c>, validated at start-up), the site recorder
    /// the admin API writes through, the restorer <see cref="SiteStore"/> asks when a site is missing, and the background
    /// check and reconcile.
    /// </summary>
    public static IServiceCollection AddConfigRecord(this IServiceCollection services)
    {
        services.AddConfigRecordStore();
        services.TryAddSingleton<RecordMetrics>();
        services.TryAddSingleton<SiteRecorder>();
        services.TryAddSingleton<RecordRestorer>();
        services.TryAddSingleton<ISiteRestorer>(sp => sp.GetRequiredService<RecordRestorer>());
        services.TryAddSingleton<RecordReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<RecordReconciler>());
        return services;
    }

    /// <summary>Only the record's store (for the command-line tools, which write users and follow-ups but restore nothing).</summary>
    public static IServiceCollection AddConfigRecordStore(this IServiceCollection services)
    {
        services.AddOptions<RecordOptions>().BindConfiguration(RecordOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecordOptions>, RecordOptionsValidator>());
        services.TryAddSingleton<ConfigRecord>();
        return services;
    }
}
