using CustomerLab.Edge.Admin;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Calls.Twilio;

/// <summary>
/// Static TwiML for each number's Voice Fallback URL, for when the edge cannot be reached (behind the admin key):
/// <c>GET /admin/sites/{siteKey}/calls/fallback-twiml</c> lists every routable number of the site with its TwiML;
/// <c>…/fallback-twiml/{number}</c> is one number's TwiML as <c>text/xml</c>, ready to upload (a TwiML Bin, a static file).
/// </summary>
internal static class TwilioFallbackApi
{
    /// <summary>One number's fallback.</summary>
    public sealed record FallbackTwiml(string Number, string Kind, string PoolId, string ForwardTo, string Twiml);

    public static IEndpointRouteBuilder MapTwilioFallback(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/sites/{siteKey}/calls").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin");
        admin.MapGet("/fallback-twiml", ListAsync);
        admin.MapGet("/fallback-twiml/{number}", OneAsync);
        return app;
    }

    private static async Task<Results<Ok<List<FallbackTwiml>>, ProblemHttpResult>> ListAsync(string siteKey, SiteStore sites, NumberIndex index)
    {
        if (await sites.GetFreshAsync(siteKey) is not { } site) return NotFound($"No site '{siteKey}'.");
        return TypedResults.Ok(await FallbacksAsync(site, index));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> OneAsync(
        string siteKey, string number, SiteStore sites, NumberIndex index)
    {
        if (await sites.GetFreshAsync(siteKey) is not { } site) return NotFound($"No site '{siteKey}'.");
        var errors = new Dictionary<string, string[]>();
        if (SiteValidation.ParseNumber(number, "number", site.Region, errors) is not { } e164) return TypedResults.ValidationProblem(errors);
        return (await FallbacksAsync(site, index)).FirstOrDefault(f => f.Number == e164) is { } fallback
            ? TypedResults.Text(fallback.Twiml, "text/xml")
            : NotFound($"{e164} is not a number of site '{siteKey}' with a forward-to number.");
    }

    /// <summary>The site's routes as the edge would route them now, each with its static TwiML.</summary>
    private static async Task<List<FallbackTwiml>> FallbacksAsync(SiteConfig site, NumberIndex index)
    {
        var owned = (await index.AllAsync()).Where(e => e.Owner.SiteKey == site.SiteKey);
        return RoutingTable.Build([site], owned, DateTimeOffset.UtcNow).Routes
            .Where(r => r.ForwardTo is not null)
            .OrderBy(r => r.Number, StringComparer.Ordinal)
            .Select(r => new FallbackTwiml(r.Number, r.Kind, r.PoolId, r.ForwardTo!, TwilioTwiml.Fallback(r)))
            .ToList();
    }

    private static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: detail);
}
