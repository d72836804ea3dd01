using System.Net;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Http;
using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using CustomerLab.Edge.Traffic;

namespace CustomerLab.Edge.Privacy;

/// <summary>
/// The consumer's opt-out link: <c>GET /optout?k=SITEKEY</c> shows the state and a button; <c>POST /optout</c>
/// replaces the identifying cookies with <c>_clopt=1</c> (no unique identifier) and ends the visitor's lease;
/// <c>POST /optin</c> removes the marker. The marker is readable by the tag (not HttpOnly) and, when the edge is
/// served from a subdomain of the site (CNAME), set on the site's domain so the site's pages see it too.
/// </summary>
internal static partial class OptOutEndpoints
{
    /// <summary>Lifetime of the opt-out marker: 400 days, the longest browsers keep a cookie.</summary>
    private static readonly TimeSpan OptOutLifetime = TimeSpan.FromDays(400);

    public static IEndpointRouteBuilder MapOptOut(this IEndpointRouteBuilder app)
    {
        var privacy = app.MapGroup("").WithTags("Privacy");
        privacy.MapGet("/optout", Page);
        privacy.MapPost("/optout", OptOutAsync).DisableAntiforgery();
        privacy.MapPost("/optin", OptInAsync).DisableAntiforgery();
        return app;
    }

    private static IResult Page(HttpContext context, VisitorCookies cookies, string? k) =>
        Html(cookies.IsOptedOut(context.Request), k);

    private static async Task<IResult> OptOutAsync(HttpContext context, VisitorCookies cookies, SiteStore sites, NumberPool pools,
        LeaseHistoryWriter history, IOptions<CookieSettings> settings, ILogger<NumberPool> logger, string? k)
    {
        if (!SameOriginForm.IsAllowed(context.Request, allowNullOrigin: true)) return CrossSite();
        var site = await FindSiteAsync(sites, k);
        // End the lease this browser's session holds, so no number stays tied to it.
        var (sessionId, poolId) = cookies.ReadSession(context.Request);
        if (site is not null && sessionId is not null && poolId is not null)
        {
            try
            {
                if (await pools.HeldNumberAsync(site.SiteKey, poolId, sessionId) is { } number &&
                    await pools.ReleaseAsync(site.SiteKey, poolId, number, sessionId) is { } ended)
                    history.RecordEnd(ended);
            }
            catch (RedisException ex)
            {
                LogReleaseFailed(logger, ex.Message);
            }
        }
        var domain = CookieDomain(context.Request.Host.Host, site);
        cookies.Forget(context.Response, domain);
        context.Response.Cookies.Append(VisitorCookies.OptOutCookie, "1", new CookieOptions
        {
            HttpOnly = false, // the tag reads it to do nothing at all
            Secure = settings.Value.Secure,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            Domain = domain,
            MaxAge = OptOutLifetime,
            IsEssential = true,
        });
        return Html(optedOut: true, k);
    }

    private static async Task<IResult> OptInAsync(HttpContext context, VisitorCookies cookies, SiteStore sites, string? k)
    {
        if (!SameOriginForm.IsAllowed(context.Request, allowNullOrigin: false)) return CrossSite();
        var domain = CookieDomain(context.Request.Host.Host, await FindSiteAsync(sites, k));
        context.Response.Cookies.Delete(VisitorCookies.OptOutCookie, new CookieOptions { Path = "/", Domain = domain });
        if (domain is not null) context.Response.Cookies.Delete(VisitorCookies.OptOutCookie, new CookieOptions { Path = "/" });
        return Html(optedOut: false, k);
    }

    private static async Task<SiteConfig?> FindSiteAsync(SiteStore sites, string? siteKey)
    {
        if (string.IsNullOrEmpty(siteKey) || !SiteValidation.SiteKeyPattern().IsMatch(siteKey)) return null;
        try { return await sites.GetAsync(siteKey); }
        catch (SiteStoreUnavailableException) { return null; }
    }

    /// <summary>The site domain the edge's host lies under (so the site's pages see the marker), else host-only.</summary>
    private static string? CookieDomain(string host, SiteConfig? site) =>
        site?.Domains.FirstOrDefault(d => host.Length > d.Length && TrafficSource.HostMatches(host, d));


    private static IResult CrossSite() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "The opt-out choice can only be changed from the opt-out page itself.");

    /// <summary>The opt-out page: the browser's state and one button that flips it.</summary>
    private static readonly HtmlTemplate OptOutPage = new("Privacy/Html/optout.html");

    private static IResult Html(bool optedOut, string? siteKey)
    {
        var query = string.IsNullOrEmpty(siteKey) ? "" : "?k=" + WebUtility.UrlEncode(siteKey);
        var (state, action, button) = optedOut
            ? ("You are opted out. CustomerLab does not track this browser: no visitor or session id, no pageviews, no tracking number tied to you.", "/optin", "Opt back in")
            : ("You are not opted out. CustomerLab may show this browser a tracking phone number and record the pages it visits on this site, to tell the business which ad or page led to a call.", "/optout", "Opt out");
        var html = OptOutPage.Render(new Dictionary<string, string>
        {
            ["optedOut"] = optedOut ? "true" : "false", ["state"] = state, ["formAction"] = action + query, ["button"] = button,
        });
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    [LoggerMessage(7001, LogLevel.Warning, "Opt-out could not end the visitor's lease: {Error}", EventName = "OptOutReleaseFailed")]
    private static partial void LogReleaseFailed(ILogger logger, string error);
}
