using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Calls.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Calls;

internal static class CallsServiceCollectionExtensions
{
    /// <summary>Call webhooks, call routing, the durable call-event path, attribution and the calls table writer.</summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        services.AddOptions<CallOptions>().BindConfiguration(CallOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallOptions>, CallOptionsValidator>());
        // Pools are sized for the grace window the attribution uses (Numbers cannot read the calls' options itself).
        services.TryAddSingleton(sp => new Numbers.PoolSizing(TimeSpan.FromMinutes(sp.GetRequiredService<IOptions<CallOptions>>().Value.GraceMinutes)));
        services.TryAddSingleton<CallAttributor>();
        services.TryAddSingleton<CallRecorder>();
        // Recordings: their rows, their audio through the edge, their deletion at Twilio.
        services.TryAddSingleton<Recordings.CallRecordingWriter>();
        services.AddTwilioApi();
        services.TryAddSingleton<Recordings.RecordingDeletionQueue>();
        services.TryAddSingleton<Recordings.RecordingDeletionService>();
        services.AddHostedService(sp => sp.GetRequiredService<Recordings.RecordingDeletionService>());
        // Routing: the in-memory table (snapshot loaded before the edge listens), refreshed from Redis on a timer.
        services.TryAddSingleton<CallRouter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Sites.ISiteChangeObserver, CallRoutesChanged>());
        services.AddHostedService<CallRoutesRefresher>();
        // Texts to tracking numbers: the relay's state in Redis; stored through the call-event spool.
        services.TryAddSingleton<Calls.Texts.TextConversations>();
        services.TryAddSingleton<Texts.TextRecorder>();
        // The durable call-event path: spool, then attribution and the calls row in the background.
        services.TryAddSingleton<CallEventProcessor>();
        services.TryAddSingleton<CallEventLog>();
        services.AddHostedService(sp => sp.GetRequiredService<CallEventLog>());
        // The demo's test calls (their endpoint is mapped in Development only): webhooks sent to this edge itself.
        services.AddHttpClient(TestCalls.TestCallPlacer.HttpClientName);
        services.TryAddSingleton<TestCalls.TestCallPlacer>();
        return services;
    }

    /// <summary>Twilio's REST API (<see cref="Recordings.TwilioApi"/>) at <c>Calls:TwilioApiBaseUrl</c>; the privacy CLI needs it too.</summary>
    public static IServiceCollection AddTwilioApi(this IServiceCollection services)
    {
        services.TryAddTransient<Recordings.TwilioBaseUrlHandler>();
        services.AddHttpClient(Recordings.TwilioApi.HttpClientName, (sp, http) =>
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<CallOptions>>().Value.TwilioApiTimeoutSeconds))
            .AddHttpMessageHandler<Recordings.TwilioBaseUrlHandler>();
        services.TryAddSingleton<Recordings.TwilioApi>();
        return services;
    }
}
