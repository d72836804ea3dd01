using System.Text.Json;
using CustomerLab.Edge.Http;
using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Enrichment;
using CustomerLab.Edge.Phones;
using CustomerLab.Edge.Security;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using CustomerLab.Edge.Traffic;

namespace CustomerLab.Edge.Numbers;

/// <summary><c>POST /v1/number</c>: the tag asks which number to show; the edge leases one to the visitor's session.</summary>
internal static partial class NumbersEndpoints
{
    public static IEndpointRouteBuilder MapNumbers(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Numbers");
        v1.MapPost("/number", HandleAsync)
            .WithDescription("Body (text/plain or application/json): {\"k\": site key, \"u\": page URL, \"r\": referrer}.")
            .WithSummary("Lease a tracking number to this visitor's session (or renew it).");
        v1.MapMethods("/number", ["OPTIONS"], SiteCors.Preflight).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<NumberResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpContext context, TagRequests tagRequests, SiteStore sites, BoundedAssignment assigner, VisitorCookies cookies, LeaseHistoryWriter history, ExhaustionWriter exhaustions,
        CrawlerCheck crawlers, SignedRenewals signedRenewals, LeaseGenerations generations, NumberMetrics metrics, IOptions<NumbersOptions> options, TimeProvider time,
        ILogger<NumberPool> logger, ISiteRestorer restorer)
    {
        var settings = options.Value;
        var redisTimeout = TimeSpan.FromMilliseconds(settings.RedisTimeoutMs);
        var (request, bodyError) = await ReadBodyAsync(context.Request, settings.MaxBodyBytes);
        if (bodyError is not null) return bodyError;
        var errors = new Dictionary<string, string[]>();
        var page = InputChecks.ParseUrl(request!.PageUrl, "u", settings.MaxUrlLength, required: true, errors);
        var referrer = InputChecks.ParseUrl(request.Referrer, "r", settings.MaxUrlLength, required: false, errors);
        if (string.IsNullOrWhiteSpace(request.SiteKey) || !SiteValidation.SiteKeyPattern().IsMatch(request.SiteKey))
            errors["k"] = ["The site key is required: 3 to 64 letters, digits, '-' or '_'."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        // Every answer goes out through Answer: a tag that does not ask for the selectors gets descriptions without them.
        var selectors = request.Selectors == true;
        Ok<NumberResponse> Answer(NumberResponse answer) => TypedResults.Ok(selectors ? answer : WithoutSelectors(answer));

        // The site, its own page and Origin (then CORS), opt-out and the visitor's ids: shared with /v1/collect.
        var (resolved, rejection) = await tagRequests.ResolveSiteAsync(context, request.SiteKey!, [page!], static _ => "u", redisTimeout);
        if (rejection is not null) return rejection.Problem;
        var site = resolved!;
        if (tagRequests.IsOptedOut(context.Request, site))
            return Answer(Default(site, null, "opted_out"));
        var (visitorId, sessionId, sessionPool) = tagRequests.ReadIds(context.Request);

        var source = TrafficSource.From(page!, referrer);
        // A session keeps the pool chosen at its start, so the number does not change as utm parameters vanish.
        var pool = site.Pools.FirstOrDefault(p => p.Id == sessionPool) ?? source.ChoosePool(site.Pools);
        if (pool is null || (sessionPool is not null && pool.Id != sessionPool))
        {
            // This edge's copy of the site may predate a pool added through another edge (copies live 10 s): before
            // giving a default number or moving a session to another pool, look at the site as Redis has it now.
            try
            {
                if (await sites.GetFreshAsync(site.SiteKey).WaitAsync(redisTimeout) is { } fresh)
                {
                    site = fresh;
                    pool = site.Pools.FirstOrDefault(p => p.Id == sessionPool) ?? source.ChoosePool(site.Pools);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException) { }
        }
        cookies.WriteVisitor(context.Response, visitorId);
        if (pool is null)
            return Answer(Default(site, null, "no_pool"));
        // A crawler that declares itself (a search engine rendering the page) sees the site's own number: it never
        // calls, so a lease would only take a number from a visitor and count as demand.
        if (crawlers.IsDeclaredCrawler(context.Request))
            return Answer(Default(site, pool, "bot", overflow: false));
        cookies.WriteSession(context.Response, sessionId, pool.Id, site.Hold);

        var now = time.GetUtcNow();
        var held = cookies.ReadLease(context.Request, sessionId);
        // A renewal soon after the last one is answered from the signed lease cookie, without Redis (SignedRenewals).
        if (pool.Id == sessionPool && signedRenewals.CanAcknowledge(held, site.SiteKey, site.Hold, now))
        {
            metrics.Renewed(fromCookie: true);
            return Answer(Leased(site, pool, held!.Number, held.ExpiresAt, "renewed", sticky: false));
        }

        // Taken before the assignment: a lease ended after this moves the generation past the one the cookie gets.
        var generation = generations.KnownOrLearn(site.SiteKey);
        // Bounded by Redis's silence, with a compensating release of a lease committed after the bound (BoundedAssignment).
        var caps = new LeaseCaps(settings.LeaseCapPerNetwork > 0 ? ClientPrefix.Of(context) : null, settings.LeaseCapPerNetwork,
            settings.LeaseCapNetworkShare, settings.LeaseCapPerVisitor > 0 ? settings.LeaseCapPerVisitor : -1);
        // After Redis lost this session's lease, the signed lease cookie names the number it still holds.
        var resume = held is not null && held.ExpiresAt > now ? held.Number : null;
        var result = await assigner.AssignAsync(site.SiteKey, pool.Id, sessionId, visitorId, source.Label(), site.Hold, caps, resume);
        // An exhausted pool is also what an emptied Redis looks like (this edge's copy of the site outlives it): restore
        // from the record first if Redis lost everything, then ask again.
        if (result?.Status == LeaseStatus.Exhausted && await restorer.RestoreIfLostAsync())
        {
            foreach (var ended in result.Ended) history.RecordEnd(ended);
            result = await assigner.AssignAsync(site.SiteKey, pool.Id, sessionId, visitorId, source.Label(), site.Hold, caps, resume);
        }
        if (result is null)
        {
            LogRedisFallback(logger, site.SiteKey, "no reply within the bound");
            return Answer(Default(site, pool, "redis_unavailable"));
        }

        foreach (var ended in result.Ended) history.RecordEnd(ended);
        if (result.Status == LeaseStatus.Capped)
        {
            LogCapped(logger, site.SiteKey, pool.Id);
            return Answer(Default(site, pool, "lease_cap", overflow: false));
        }
        if (result.Status == LeaseStatus.Exhausted)
        {
            if (result.NewlyExhausted)
            {
                exhaustions.RecordExhausted(site.SiteKey, pool.Id, sessionId, time.GetUtcNow());
                LogExhausted(logger, site.SiteKey, pool.Id);
            }
            return Answer(Default(site, pool, "pool_exhausted"));
        }
        var lease = result.Lease!;
        if (result.Status == LeaseStatus.Assigned) history.RecordStart(lease);
        else metrics.Renewed(fromCookie: false);
        cookies.WriteLease(context.Response, sessionId, lease.Number, lease.ExpiresAt, generation, site.Hold);
        return Answer(Leased(site, pool, lease.Number, lease.ExpiresAt, result.Status == LeaseStatus.Assigned ? "assigned" : "renewed", result.Sticky));
    }

    /// <summary>The answer for a session that holds <paramref name="number"/> until <paramref name="expiresAt"/>.</summary>
    private static NumberResponse Leased(SiteConfig site, PoolConfig pool, string number, DateTimeOffset expiresAt, string status, bool sticky)
    {
        var formats = PhoneNumberParsing.FromE164(number);
        return new NumberResponse(formats.E164, formats.National, formats.International, formats.Uri, status, null, expiresAt, site.Targets, pool.Id, sticky,
            TagMatches(site, formats)) { Leads = site.Leads };
    }

    /// <summary>The default answer; with <paramref name="overflow"/>, the pool's overflow number where it has one (unmet demand).</summary>
    private static NumberResponse Default(SiteConfig site, PoolConfig? pool, string reason, bool overflow = true)
    {
        var formats = PhoneNumberParsing.FromE164((overflow ? pool?.OverflowNumber : null) ?? site.DefaultNumber);
        return new NumberResponse(formats.E164, formats.National, formats.International, formats.Uri, "default", reason, null, site.Targets, pool?.Id, false, TagMatches(site, formats))
        { Leads = site.Leads };
    }

    /// <summary>How the tag finds the site's targets and the number shown (each number's is cached with its formats).</summary>
    private static Dictionary<string, string[]> TagMatches(SiteConfig site, PhoneNumberFormats shown)
    {
        var numbers = new Dictionary<string, string[]>(site.Targets.Count + 1, StringComparer.Ordinal) { [shown.E164] = shown.TagMatch };
        foreach (var target in site.Targets) numbers[target] = PhoneNumberParsing.FromE164(target).TagMatch;
        return numbers;
    }

    /// <summary>
    /// The answer as a tag that does not ask for the attribute selectors (<see cref="NumberRequest.Selectors"/>) reads
    /// it: each number's description without its last element.
    /// </summary>
    private static NumberResponse WithoutSelectors(NumberResponse answer) => answer with
    {
        Numbers = answer.Numbers.ToDictionary(n => n.Key, n => n.Value[..^1], StringComparer.Ordinal),
    };

    private static async Task<(NumberRequest? Request, ProblemHttpResult? Error)> ReadBodyAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
            return (null, InputChecks.TooLarge($"The body may be at most {maxBytes} bytes."));
        var buffer = new byte[Math.Min(maxBytes + 1, (int)(request.ContentLength ?? maxBytes + 1))];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read))) > 0) read += n;
        if (read > maxBytes) return (null, InputChecks.TooLarge($"The body may be at most {maxBytes} bytes."));
        try
        {
            var body = JsonSerializer.Deserialize(buffer.AsSpan(0, read), NumberJson.Default.NumberRequest);
            return body is null ? (null, InputChecks.BadBody("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, InputChecks.BadBody($"The body is not the expected JSON: {ex.Message}"));
        }
    }

    [LoggerMessage(5001, LogLevel.Warning, "Redis unavailable for site {SiteKey}; answered with the default number: {Error}", EventName = "NumberRedisFallback")]
    private static partial void LogRedisFallback(ILogger logger, string siteKey, string error);

    [LoggerMessage(5009, LogLevel.Information, "A visitor of site {SiteKey} reached the lease cap of pool {PoolId}; answered with the default number", EventName = "LeaseCapped")]
    private static partial void LogCapped(ILogger logger, string siteKey, string poolId);

    [LoggerMessage(5002, LogLevel.Warning, "Pool {PoolId} of site {SiteKey} is exhausted; answered with the overflow number", EventName = "PoolExhausted")]
    private static partial void LogExhausted(ILogger logger, string siteKey, string poolId);
}
