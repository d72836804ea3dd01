using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Enrichment;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Events;

internal static class EventsServiceCollectionExtensions
{
    /// <summary>The collect pipeline: options, enrichment, and the pageviews\' spool and shipper (on <see cref="DeliveryServiceCollectionExtensions.AddDelivery"/>).</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventsOptions>, EventsOptionsValidator>());
        services.TryAddSingleton<EventMetrics>();
        services.TryAddSingleton<EventEnricher>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<EventEnricher>().Crawlers);
        services.TryAddSingleton(static sp => new Spool(
            Spool.DirectoryFor(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value, sp.GetRequiredService<IOptions<ClickHouseOptions>>().Value.Database),
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value, sp.GetRequiredService<DeliveryMetrics>(), sp.GetRequiredService<ILogger<Spool>>()));
        services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<Shipper>(sp, PageviewDelivery.Target));
        // Load the data files and open (and recover) the spool before the edge listens: a missing file stops start-up.
        services.AddHostedService<EventsWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<Shipper>());
        return services;
    }

    private sealed class EventsWarmup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<EventEnricher>();
            services.GetRequiredService<Spool>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
