using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Traffic;

namespace CustomerLab.Edge.Sites;

/// <summary>
/// CORS for the tag's endpoints (<c>/v1/number</c>, <c>/v1/collect</c>): an Origin is echoed, with credentials, only
/// when it is one of the site's domains; the endpoints check that before calling <see cref="Allow"/>.
/// </summary>
internal static class SiteCors
{
    /// <summary>True when <paramref name="host"/> is one of the site's domains or a subdomain of one.</summary>
    public static bool IsSiteHost(SiteConfig site, string host) => site.Domains.Any(d => TrafficSource.HostMatches(host, d));

    public static void Allow(HttpResponse response, string origin)
    {
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlAllowCredentials = "true";
        response.Headers.Vary = "Origin";
    }

    /// <summary>
    /// The preflight (only for callers that send JSON; the tag sends text/plain and needs none). It has no body, so
    /// it cannot know the site: the real request checks the origin against the site's domains.
    /// </summary>
    public static IResult Preflight(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        // Echoed only when it can be a header value again: Kestrel refuses to send non-ASCII or control characters, and
        // a browser's Origin never has them (international domains travel as punycode).
        if (origin.Length > 0 && origin.All(c => c is > ' ' and < '\x7f'))
        {
            Allow(context.Response, origin);
            context.Response.Headers.AccessControlAllowMethods = "POST";
            context.Response.Headers.AccessControlAllowHeaders = "Content-Type";
            context.Response.Headers.AccessControlMaxAge = "86400";
        }
        return TypedResults.NoContent();
    }
}
