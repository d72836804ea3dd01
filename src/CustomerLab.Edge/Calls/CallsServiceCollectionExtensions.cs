using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Calls.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Calls;

internal static class CallsServiceCollectionExtensions
{
    /// <summary>Call webhooks, call routing, the durable call-event path, attribution and the calls table writer.</summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        services.AddOptions<CallOptions>().BindConfiguration(CallOptions.Section).ValidateOnStart()
            .Validate(o => o.GraceMinutes is >= 0 and <= 1440, "Calls:GraceMinutes must be between 0 and 1440.")
            .Validate(o => o.PublisherParameter.Length is > 0 and <= 64, "Calls:PublisherParameter must be 1 to 64 characters.")
            .Validate(o => o.PublicBaseUrl.Length == 0 || Uri.IsWellFormedUriString(o.PublicBaseUrl, UriKind.Absolute), "Calls:PublicBaseUrl must be an absolute URL.");
        services.AddOptions<CallOptions>()
            .Validate(o => o.RoutesRefreshSeconds is >= 1 and <= 3600, "Calls:RoutesRefreshSeconds must be between 1 and 3600.");
        services.TryAddSingleton<CallAttributor>();
        services.TryAddSingleton<CallRecorder>();
        // Routing: the in-memory table (snapshot loaded before the edge listens), refreshed from Redis on a timer.
        services.TryAddSingleton<CallRouter>();
        services.TryAddSingleton<ForwardToConflicts>();
        services.AddHostedService<CallRoutesRefresher>();
        // The durable call-event path: spool, then attribution and the calls row in the background.
        services.TryAddSingleton<CallEventProcessor>();
        services.TryAddSingleton<CallEventLog>();
        services.AddHostedService(sp => sp.GetRequiredService<CallEventLog>());
        return services;
    }
}
