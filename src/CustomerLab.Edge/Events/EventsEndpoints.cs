using System.Runtime.InteropServices;
using System.Text.Json;
using CustomerLab.Edge.Http;
using CustomerLab.Edge.Conversions;
using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Enrichment;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Events;

/// <summary>
/// <c>POST /v1/collect</c>: the tag's pageviews (one event or an array), validated, enriched and appended to the
/// durable spool; 202 <c>{"accepted":N}</c> only once they are on disk. The shipper takes them to ClickHouse.
/// </summary>
internal static class EventsEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Events");
        v1.MapPost("/collect", HandleAsync)
            .WithDescription("Body (text/plain or application/json): one event {\"k\",\"n\",\"u\",\"r\",\"t\",\"w\"} or an array of up to 50.")
            .WithSummary("Record pageviews (one event or an array of up to 50); 202 once they are durable in the spool.");
        v1.MapMethods("/collect", ["OPTIONS"], SiteCors.Preflight).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Accepted<CollectResponse>, NoContent, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpContext context, TagRequests tagRequests, VisitorCookies cookies, EventEnricher enricher, Spool spool, EventMetrics metrics,
        FormFieldNames getForms, TimeProvider time, IOptions<EventsOptions> options)
    {
        var settings = options.Value;
        var (events, bodyError) = await ReadEventsAsync(context.Request, settings);
        if (bodyError is not null)
        {
            metrics.Rejected(bodyError.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "bad_body");
            return bodyError;
        }

        var errors = new Dictionary<string, string[]>();
        var parsed = new (Uri Page, Uri? Referrer, string Name, string? Title, int? Width)[events!.Count];
        string? siteKey = null;
        for (var i = 0; i < events.Count; i++)
        {
            var prefix = events.IsArray ? $"[{i}]." : "";
            var e = events[i];
            if (e is null) { errors[prefix.TrimEnd('.')] = ["An event object is required here."]; continue; }
            if (string.IsNullOrWhiteSpace(e.SiteKey) || !SiteValidation.SiteKeyPattern().IsMatch(e.SiteKey))
                errors[prefix + "k"] = ["The site key is required: 3 to 64 letters, digits, '-' or '_'."];
            else if (siteKey is not null && siteKey != e.SiteKey)
                errors[prefix + "k"] = ["All events of one request must have the same site key."];
            else siteKey = e.SiteKey;
            var page = InputChecks.ParseUrl(e.PageUrl, prefix + "u", settings.MaxUrlLength, required: true, errors);
            var referrer = InputChecks.ParseUrl(e.Referrer, prefix + "r", settings.MaxUrlLength, required: false, errors);
            var name = string.IsNullOrEmpty(e.Name) ? "pageview" : e.Name;
            if (name.Length > settings.MaxEventNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))
                errors[prefix + "n"] = [$"1 to {settings.MaxEventNameLength} letters, digits, '_', '-', '.' or ':'."];
            if (e.ScreenWidth is < 0 or > 100_000)
                errors[prefix + "w"] = ["A screen width in pixels, 0 to 100000."];
            var title = e.Title is { } t && t.Length > settings.MaxTitleLength ? t[..settings.MaxTitleLength] : e.Title;
            parsed[i] = (page!, referrer, name, title, e.ScreenWidth);
        }
        if (errors.Count > 0)
        {
            metrics.Rejected("invalid", events.Count);
            return TypedResults.ValidationProblem(errors);
        }

        // The site, its own pages and Origin (then CORS), opt-out and the visitor's ids: shared with /v1/number.
        var (found, rejection) = await tagRequests.ResolveSiteAsync(context, siteKey!, [.. parsed.Select(p => p.Page)],
            i => events.IsArray ? $"[{i}].u" : "u", TimeSpan.FromMilliseconds(settings.RedisTimeoutMs));
        if (rejection is not null)
        {
            metrics.Rejected(rejection.Reason, events.Count);
            return rejection.Problem;
        }
        var site = found!;
        // Opted out: nothing is stored, no cookie set.
        if (tagRequests.IsOptedOut(context.Request, site))
        {
            metrics.Rejected("opted_out", events.Count);
            return TypedResults.NoContent();
        }
        var (visitorId, sessionId, sessionPool) = tagRequests.ReadIds(context.Request);
        cookies.WriteVisitor(context.Response, visitorId);
        // The pool suffix is kept, so /v1/number still sees the pool chosen at the session's start.
        cookies.WriteSession(context.Response, sessionId, sessionPool ?? "", site.Hold);

        var userAgent = context.Request.Headers.UserAgent.ToString();
        var hasLanguage = context.Request.Headers.AcceptLanguage.Count > 0;
        // The client's address: the connection's, or what a known proxy forwarded (UseForwardedHeaders).
        var ip = context.Connection.RemoteIpAddress;
        var now = time.GetUtcNow().UtcDateTime;
        // What a visitor typed into the site's GET forms is in the next page's URL: those parameters are not stored.
        var typed = await getForms.GetAsync(site.SiteKey, TimeSpan.FromMilliseconds(settings.RedisTimeoutMs));
        var enriched = new EnrichedEvent[parsed.Length];
        for (var i = 0; i < parsed.Length; i++)
        {
            var (page, referrer, name, title, width) = parsed[i];
            if (typed.Count > 0) (page, referrer) = (FormFieldNames.Strip(page, typed), referrer is null ? null : FormFieldNames.Strip(referrer, typed));
            enriched[i] = enricher.Enrich(site.SiteKey, name, page, referrer, title, width, visitorId, sessionId, userAgent, hasLanguage, ip, now);
        }
        try
        {
            await spool.AppendAsync(PageviewDelivery.Frame(enriched), enriched.Length);
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException)
        {
            metrics.Rejected(ex is SpoolFullException ? "spool_full" : "spool_error", events.Count);
            context.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: ex.Message);
        }
        metrics.Accepted(enriched.Length);
        return TypedResults.Accepted((string?)null, new CollectResponse(enriched.Length));
    }

    /// <summary>The request's events: one object or an array; a body over the caps is 413, one that is not JSON 400.</summary>
    private static async Task<(EventList? Events, ProblemHttpResult? Error)> ReadEventsAsync(HttpRequest request, EventsOptions settings)
    {
        var maxBytes = settings.MaxBodyBytes;
        if (request.ContentLength > maxBytes) return (null, InputChecks.TooLarge($"The body may be at most {maxBytes} bytes."));
        var buffer = new byte[Math.Min(maxBytes + 1, (int)(request.ContentLength ?? maxBytes + 1))];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read))) > 0) read += n;
        if (read > maxBytes) return (null, InputChecks.TooLarge($"The body may be at most {maxBytes} bytes."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.AsMemory(0, read));
        }
        catch (JsonException ex)
        {
            return (null, InputChecks.BadBody($"The body is not JSON: {ex.Message}"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var (e, error) = ReadEvent(root, "", settings);
                return error is not null ? (null, error) : (new EventList([e], false), null);
            }
            if (root.ValueKind != JsonValueKind.Array) return (null, InputChecks.BadBody("The body must be an event object or an array of events."));
            var count = root.GetArrayLength();
            if (count == 0) return (null, InputChecks.BadBody("The array holds no events."));
            if (count > settings.MaxEventsPerRequest) return (null, InputChecks.TooLarge($"At most {settings.MaxEventsPerRequest} events per request (got {count})."));
            var list = new List<CollectEvent?>(count);
            var i = 0;
            foreach (var element in root.EnumerateArray())
            {
                var (e, error) = ReadEvent(element, $"[{i++}]", settings);
                if (error is not null) return (null, error);
                list.Add(e);
            }
            return (new EventList(list, true), null);
        }
    }

    private static (CollectEvent? Event, ProblemHttpResult? Error) ReadEvent(JsonElement element, string field, EventsOptions settings)
    {
        if (element.ValueKind != JsonValueKind.Object) return (null, InputChecks.BadBody("An event must be a JSON object.", field.Length > 0 ? field : "body"));
        if (JsonMarshal.GetRawUtf8Value(element).Length > settings.MaxEventBytes) // its bytes as sent, no copy
            return (null, InputChecks.TooLarge($"One event may be at most {settings.MaxEventBytes} bytes{(field.Length > 0 ? $" ({field})" : "")}."));
        try
        {
            return (element.Deserialize(EventsJson.Default.CollectEvent), null);
        }
        catch (JsonException ex)
        {
            // Name the offending property ("w", "[2].w") when the serializer knows it.
            var property = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            var key = property is null ? (field.Length > 0 ? field : "body") : field.Length > 0 ? $"{field}.{property}" : property;
            return (null, InputChecks.BadBody($"The event is not the expected object: {ex.Message}", key));
        }
    }

    private sealed record EventList(List<CollectEvent?> Items, bool IsArray)
    {
        public int Count => Items.Count;
        public CollectEvent? this[int i] => Items[i];
    }
}
