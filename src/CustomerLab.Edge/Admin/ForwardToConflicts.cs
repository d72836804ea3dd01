using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Admin;

/// <summary>
/// The one place that keeps forward-to numbers and the numbers that ring this service apart, so no call can loop:
/// a forward-to number is never a tracking or overflow number of any pool of any site (also a retired one, which still
/// routes), and no tracking or overflow number is any site's or pool's forward-to number. Either way: 409 naming the
/// field. Admin writes are rare, so the check reads the number index and every site afresh from Redis.
/// </summary>
internal sealed class ForwardToConflicts(SiteStore sites, NumberIndex index)
{
    /// <summary>A 409 when <paramref name="forwardTo"/> is a number that rings this service.</summary>
    public async Task<ProblemHttpResult?> CheckForwardToAsync(string field, string? forwardTo)
    {
        if (forwardTo is null) return null;
        if (await index.FindAsync(forwardTo) is { } owner)
            return Conflict(field, $"{forwardTo} is {(owner.IsOverflow ? "an overflow" : "a tracking")} number of a pool; a forward-to number must be the business's own line.");
        foreach (var site in await AllSitesAsync())
            if (site.Pools.Any(p => p.OverflowNumber == forwardTo))
                return Conflict(field, $"{forwardTo} is an overflow number of a pool; a forward-to number must be the business's own line.");
        return null;
    }

    /// <summary>A 409 when one of <paramref name="numbers"/> (tracking or overflow numbers to add) is a site's or pool's forward-to number.</summary>
    public async Task<ProblemHttpResult?> CheckTrackingNumbersAsync(string field, IReadOnlyCollection<string> numbers)
    {
        if (numbers.Count == 0) return null;
        foreach (var site in await AllSitesAsync())
        {
            var forwardTo = site.Pools.Select(p => p.ForwardTo).Append(site.ForwardTo).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (numbers.FirstOrDefault(forwardTo.Contains) is { } clash)
                return Conflict(field, $"{clash} is a forward-to number (a business's own line); it cannot also ring this service.");
        }
        return null;
    }

    /// <summary>Every site, read in one pipelined round.</summary>
    private async Task<List<SiteConfig>> AllSitesAsync() =>
        (await Task.WhenAll((await sites.ListAsync()).Select(sites.GetFreshAsync))).OfType<SiteConfig>().ToList();

    private static ProblemHttpResult Conflict(string field, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"'{field}' conflicts with another number", detail: $"{field}: {detail}",
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
