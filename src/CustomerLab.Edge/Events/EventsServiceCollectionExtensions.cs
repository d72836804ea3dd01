using CustomerLab.Edge.Enrichment;
using CustomerLab.Edge.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Events;

internal static class EventsServiceCollectionExtensions
{
    /// <summary>The collect pipeline: options, enrichment, the spool, the shipper and the metrics behind <c>/metrics</c>.</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventsOptions>, EventsOptionsValidator>());
        services.AddEdgeMetrics();
        services.TryAddSingleton<EventMetrics>();
        services.TryAddSingleton<EventEnricher>();
        services.TryAddSingleton<Spool>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<Shipper>(sp, ShipTarget.Pageviews));
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
