using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Calls;

internal static class CallsServiceCollectionExtensions
{
    /// <summary>Call webhooks, attribution and the calls table writer.</summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        services.AddOptions<CallOptions>().BindConfiguration(CallOptions.Section).ValidateOnStart()
            .Validate(o => o.GraceMinutes is >= 0 and <= 1440, "Calls:GraceMinutes must be between 0 and 1440.")
            .Validate(o => o.PublisherParameter.Length is > 0 and <= 64, "Calls:PublisherParameter must be 1 to 64 characters.")
            .Validate(o => o.PublicBaseUrl.Length == 0 || Uri.IsWellFormedUriString(o.PublicBaseUrl, UriKind.Absolute), "Calls:PublicBaseUrl must be an absolute URL.");
        services.TryAddSingleton<CallAttributor>();
        services.TryAddSingleton<CallRecorder>();
        return services;
    }
}
