using CustomerLab.Edge.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Http;

internal static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// The client address behind proxies: <see cref="ForwardedHeadersSettings"/> configure ASP.NET Core's forwarded
    /// headers (the app calls <c>UseForwardedHeaders</c> first). The setting this replaces, <c>Events:ClientIpHeader</c>,
    /// still works with a warning: it names the header and, as it always did, believes its first address from any peer.
    /// </summary>
    /// <summary>
    /// A store failure no endpoint caught is answered 503, not 500 (<see cref="StoreFailureAnswer"/>); the app calls
    /// <c>UseStoreFailureAnswers</c> first in its pipeline.
    /// </summary>
    public static IServiceCollection AddStoreFailureAnswers(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreFailureAnswer>();
        return services;
    }

    /// <summary>ASP.NET Core's exception handler, with <see cref="StoreFailureAnswer"/> in it.</summary>
    public static IApplicationBuilder UseStoreFailureAnswers(this IApplicationBuilder app) => app.UseExceptionHandler();

    public static IServiceCollection AddForwardedClientAddress(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section)
            .BindRenamed("Events", ForwardedHeadersSettings.Section, "ClientIpHeader")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>());
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>, IConfiguration>((options, settings, config) =>
        {
            var s = settings.Value;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            var legacyHeader = config[$"Events:ClientIpHeader"] is { Length: > 0 } legacy && config[$"{ForwardedHeadersSettings.Section}:Header"] is null
                ? legacy : null;
            options.ForwardedForHeaderName = legacyHeader ?? s.Header;
            if (legacyHeader is not null)
            {
                // The old setting's meaning: any peer may name the client, and the first address is the client.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                options.ForwardLimit = null;
                return;
            }
            options.ForwardLimit = s.ForwardLimit;
            foreach (var proxy in s.KnownProxies) options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in s.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }
}
