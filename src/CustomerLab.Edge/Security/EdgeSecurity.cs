using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Security;

/// <summary>
/// Rate limits per client IP and per site on <c>/v1/*</c> (429, Retry-After, problem+json), a global request body cap
/// (413, problem+json), and security headers with a Content-Security-Policy on the HTML pages the edge serves.
/// </summary>
internal static class EdgeSecurity
{
    /// <summary>CSP of the opt-out pages: nothing but their own inline style and a form posting back to the edge.</summary>
    public const string OptOutPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// CSP of the demo page, which plays a client site: its inline queue stub and the tag from the edge itself, the
    /// tag's calls back to the edge; no other origin.
    /// </summary>
    public const string DemoPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>
    /// CSP of the console: its own script only (no inline script), its inline style, audio through the edge's own
    /// recordings proxy, fetches and forms back to the edge.
    /// </summary>
    public const string ConsolePolicy =
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static WebApplicationBuilder AddEdgeSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EdgeSecurityOptions>().BindConfiguration(EdgeSecurityOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EdgeSecurityOptions>, EdgeSecurityOptionsValidator>());
        var max = builder.Configuration.GetValue<long?>($"{EdgeSecurityOptions.Section}:{nameof(EdgeSecurityOptions.MaxRequestBodyBytes)}") ?? new EdgeSecurityOptions().MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = max);
        builder.Services.AddRateLimiter(_ => { });
        // Options are read once, here, not per request.
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<EdgeSecurityOptions>>((limiter, security) =>
        {
            var o = security.Value;
            // Made once: a limiter's options are asked for only when its partition is new, but the factory is passed
            // on every request.
            Func<string, FixedWindowRateLimiterOptions> perIp = _ => Window(o.PermitsPerIp, o.WindowSeconds);
            Func<string, FixedWindowRateLimiterOptions> perSite = _ => Window(o.PermitsPerSite, o.WindowSeconds);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Connection.RemoteIpAddress is null
                    ? RateLimitPartition.GetNoLimiter("no-ip") // no network peer: in-process host or a Unix socket behind a proxy
                    // Per client network (IPv4 /24, IPv6 /64), not per address: a /64 holds more addresses than anyone can use up.
                    : Partition(context, "net:" + ClientPrefix.Of(context), perIp)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, "site:" + OriginHost(context), perSite)));
            limiter.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    /// <summary>Headers and the body cap first (so even a rejected request gets them), then the rate limiter.</summary>
    public static WebApplication UseEdgeSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EdgeSecurityOptions>>().Value;
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            var path = context.Request.Path;
            if (path.StartsWithSegments("/optout") || path.StartsWithSegments("/optin"))
                SetPagePolicy(headers, OptOutPolicy);
            else if (path.StartsWithSegments("/demo"))
                SetPagePolicy(headers, DemoPolicy);
            else if (path.StartsWithSegments("/console"))
                SetPagePolicy(headers, ConsolePolicy);
            else if (path.StartsWithSegments("/login") || path.StartsWithSegments("/report"))
                SetFramePolicy(headers);

            // Endpoints echo an accepted Origin into Access-Control-Allow-Origin: one with control characters (which
            // Kestrel would not parse anyway, but other servers in front might pass) never gets that far.
            if (context.Request.Headers.Origin.ToString().AsSpan().ContainsAnyInRange('\u0000', '\u001f') ||
                context.Request.Headers.Origin.ToString().Contains('\u007f'))
                return WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Bad Request", "The Origin header is malformed.");
            if (context.Request.ContentLength > options.MaxRequestBodyBytes)
                return WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large",
                    $"The body may be at most {options.MaxRequestBodyBytes} bytes.");
            return NextAsync(context, next);
        });
        // Answers the framework leaves empty (405, 415, a 400 from binding, 401/403/404 without a body) become
        // problem+json, after the headers above are set.
        app.UseStatusCodePages();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Malformed input that the framework itself refuses while an endpoint reads it (form limits, a body over Kestrel's
    /// cap, a broken request) is the client's fault: a 400/413 problem, not a 500.
    /// </summary>
    private static async Task NextAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is InvalidDataException or BadHttpRequestException)
        {
            var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            context.Response.Clear();
            await WriteProblemAsync(context, status, status == StatusCodes.Status413PayloadTooLarge ? "Payload Too Large" : "Bad Request",
                "The request could not be read: " + ProblemText.WithoutTypeNames(ex.Message));
        }
    }

    /// <summary>
    /// The sign-in and report pages may not be framed (clickjacking); their scripts and styles are their own business,
    /// so only frame-ancestors is set here.
    /// </summary>
    private static void SetFramePolicy(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
    }

    private static void SetPagePolicy(IHeaderDictionary headers, string policy)
    {
        headers.ContentSecurityPolicy = policy;
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }

    // Twilio's webhooks are exempt: they come from a few of Twilio's addresses (or one proxy), a 429 would drop a
    // caller, and each is verified by its signature (a forged one costs one HMAC of a body of at most Calls:MaxBodyBytes).
    private static RateLimitPartition<string> Partition(HttpContext context, string key, Func<string, FixedWindowRateLimiterOptions> options) =>
        context.Request.Path.StartsWithSegments("/v1") && !context.Request.Path.StartsWithSegments("/v1/calls/twilio")
            ? RateLimitPartition.GetFixedWindowLimiter(key, options)
            : RateLimitPartition.GetNoLimiter("none");

    private static FixedWindowRateLimiterOptions Window(int permits, int windowSeconds) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromSeconds(windowSeconds),
        QueueLimit = 0,
    };

    private static string OriginHost(HttpContext context) =>
        Uri.TryCreate(context.Request.Headers.Origin.ToString(), UriKind.Absolute, out var origin) ? origin.Host.ToLowerInvariant() : "";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteProblemAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too Many Requests",
            $"Rate limit reached; retry after {seconds} s.");
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
        return context.Response.WriteAsJsonAsync(new { type = status switch { 429 => "https://tools.ietf.org/html/rfc6585#section-4", 413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14", _ => "https://tools.ietf.org/html/rfc9110#section-15.5.1" }, title, status, detail },
            (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
