using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Sites;

/// <summary>
/// What <c>/v1/number</c> and <c>/v1/collect</c> resolve the same way once their bodies are read: the site, that the
/// pages and the calling Origin are the site's own (then CORS allows that Origin), whether the visitor opted out
/// (the <c>_clopt</c> cookie, <c>Sec-GPC: 1</c>, or <c>DNT: 1</c> where the site honours it) and the visitor's ids.
/// The handlers keep only their own logic.
/// </summary>
internal sealed class TagRequests(SiteStore sites, VisitorCookies cookies)
{
    /// <summary>
    /// The site of <paramref name="siteKey"/>, checked against every page's host (<paramref name="pageField"/> names the
    /// field of page <c>i</c>) and the Origin header; or a rejection (503 store down, 404, 403) with its metrics reason.
    /// </summary>
    public async Task<(SiteConfig? Site, TagRequestRejection? Rejection)> ResolveSiteAsync(
        HttpContext context, string siteKey, IReadOnlyList<Uri> pages, Func<int, string> pageField, TimeSpan redisTimeout)
    {
        SiteConfig? site;
        try
        {
            site = await sites.GetAsync(siteKey, redisTimeout);
        }
        catch (SiteStoreUnavailableException ex)
        {
            return (null, new(Problems.Problem(StatusCodes.Status503ServiceUnavailable, ex.Message), "redis_unavailable"));
        }
        if (site is null)
            return (null, new(Problems.Problem(StatusCodes.Status404NotFound, $"No site '{siteKey}'."), "unknown_site"));
        for (var i = 0; i < pages.Count; i++)
            if (!SiteCors.IsSiteHost(site, pages[i].Host))
                return (null, new(Problems.Forbidden($"The page's host '{pages[i].Host}' is not one of site '{site.SiteKey}''s domains (field {pageField(i)})."), "foreign_host"));
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri) || !SiteCors.IsSiteHost(site, originUri.Host))
                return (null, new(Problems.Forbidden($"Origin '{origin}' is not one of site '{site.SiteKey}''s domains."), "foreign_origin"));
            SiteCors.Allow(context.Response, origin);
        }
        return (site, null);
    }

    /// <summary>Opted out: no ids are read or written, nothing is stored, no lease is made.</summary>
    public bool IsOptedOut(HttpRequest request, SiteConfig site) =>
        cookies.IsOptedOut(request) ||
        request.Headers["Sec-GPC"] == "1" ||
        (site.HonourDoNotTrack && request.Headers["DNT"] == "1");

    /// <summary>The visitor's ids from their signed cookies, new random ones where they are missing or not ours.</summary>
    public VisitorIds ReadIds(HttpRequest request)
    {
        var (sessionId, sessionPool) = cookies.ReadSession(request);
        return new VisitorIds(cookies.ReadVisitor(request) ?? VisitorCookies.NewId(), sessionId ?? VisitorCookies.NewId(), sessionPool);
    }
}

/// <summary>A tag request refused before its own logic: the answer, and the reason counted on <c>/metrics</c>.</summary>
internal sealed record TagRequestRejection(ProblemHttpResult Problem, string Reason);

/// <summary>The visitor id, the session id and the pool the session started in (null for a new session).</summary>
internal readonly record struct VisitorIds(string VisitorId, string SessionId, string? SessionPool);
