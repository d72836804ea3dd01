using CustomerLab.Edge.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Delivery;

internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>Keys that lived under <c>Events</c> before the <c>Delivery</c> section existed; still read there, with a warning.</summary>
    private static readonly string[] FormerEventsKeys =
    [
        nameof(DeliveryOptions.SpoolPath), nameof(DeliveryOptions.SegmentBytes), nameof(DeliveryOptions.SpoolQuotaBytes),
        nameof(DeliveryOptions.SpoolWarnFraction), nameof(DeliveryOptions.Fsync), nameof(DeliveryOptions.FsyncIntervalMs),
        nameof(DeliveryOptions.BatchMaxRows), nameof(DeliveryOptions.BatchMaxBytes), nameof(DeliveryOptions.FlushIntervalMs),
        nameof(DeliveryOptions.MaxRetryDelayMs), nameof(DeliveryOptions.DeadLetterPath),
    ];

    /// <summary>
    /// Durable delivery to ClickHouse: the <c>Delivery</c> settings (validated at start-up) and the spool metrics. The
    /// tables that use it register their own spool and shipper (<see cref="DeliveredTables"/> lists them).
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(DeliveryMetrics))) return services;
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .BindRenamed("Events", DeliveryOptions.Section, FormerEventsKeys)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton<DeliveryMetrics>();
        services.TryAddSingleton<SpoolDataSync>(SpoolFiles.DataSync);
        return services;
    }
}
