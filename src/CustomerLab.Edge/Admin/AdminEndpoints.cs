using CustomerLab.Edge.Http;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Admin;

/// <summary>
/// The admin API for sites and pools (<c>/admin/sites…</c>), behind <see cref="AdminKeyFilter"/>.
/// Phone numbers are validated with libphonenumber; every error names its field.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/admin/sites").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin");

        sites.MapGet("/", async (SiteStore store) => TypedResults.Ok(await store.ListAsync()));
        sites.MapGet("/{siteKey}", GetSiteAsync);
        sites.MapPut("/{siteKey}", PutSiteAsync);
        sites.MapPut("/{siteKey}/pools/{poolId}", PutPoolAsync);
        sites.MapPost("/{siteKey}/pools/{poolId}/numbers", AddNumbersAsync);
        sites.MapDelete("/{siteKey}/pools/{poolId}/numbers/{number}", RetireNumberAsync);
        sites.MapGet("/{siteKey}/pools/{poolId}/stats", GetStatsAsync);
        return app;
    }

    private static async Task<Results<Ok<SiteView>, ProblemHttpResult>> GetSiteAsync(string siteKey, SiteStore store, NumberPool pool)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        var pools = new List<PoolView>(site.Pools.Count);
        foreach (var p in site.Pools)
            pools.Add(new PoolView(p.Id, p.Match, p.OverflowNumber, await pool.GetStatsAsync(siteKey, p.Id), p.ForwardTo));
        return TypedResults.Ok(new SiteView(Redacted(site), pools));
    }

    private static async Task<Results<Ok<SiteConfig>, ValidationProblem, ProblemHttpResult>> PutSiteAsync(
        string siteKey, SiteRequest request, SiteStore store, ForwardToConflicts conflicts, IEnumerable<ISiteChangeObserver> observers)
    {
        var errors = new Dictionary<string, string[]>();
        var forwardTo = request.ForwardTo is null ? null : SiteValidation.ParseNumber(request.ForwardTo, "forwardTo", (request.Region ?? "US").ToUpperInvariant(), []);
        if (await conflicts.CheckForwardToAsync("forwardTo", forwardTo) is { } conflict) return conflict;
        // From the site as Redis has it now (not this edge's cached copy), so pools added through another edge stay.
        var site = await store.UpdateAsync(siteKey, existing =>
        {
            errors.Clear();
            return SiteValidation.ToSite(siteKey, request, existing?.Pools ?? [], errors, existing?.Calls);
        });
        if (site is null) return TypedResults.ValidationProblem(errors);
        await NotifyAsync(observers);
        return TypedResults.Ok(Redacted(site));
    }

    private static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> PutPoolAsync(
        string siteKey, string poolId, PoolRequest request, SiteStore store, NumberPool pool, NumberIndex index, ForwardToConflicts conflicts, IEnumerable<ISiteChangeObserver> observers)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        var errors = new Dictionary<string, string[]>();
        if (!SiteValidation.PoolIdPattern().IsMatch(poolId))
            errors["poolId"] = ["1 to 32 lower-case letters, digits, '-' or '_'."];
        var overflow = request.OverflowNumber is null ? null : SiteValidation.ParseNumber(request.OverflowNumber, "overflowNumber", site.Region, errors);
        var numbers = SiteValidation.ParseNumbers(request.Numbers ?? [], "numbers", site.Region, errors);
        var forwardTo = request.ForwardTo is null ? null : SiteValidation.ParseNumber(request.ForwardTo, "forwardTo", site.Region, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await FindNumberInOtherPoolAsync(site, poolId, numbers, pool, index) is { } clash) return clash;
        if (forwardTo is not null && (numbers.Contains(forwardTo) || overflow == forwardTo))
            return Problems.Problem(StatusCodes.Status409Conflict, $"forwardTo: {forwardTo} is also one of this pool's own numbers; a call to it would loop.");
        if (await conflicts.CheckForwardToAsync("forwardTo", forwardTo) is { } loop) return loop;
        if (await conflicts.CheckTrackingNumbersAsync("numbers", numbers) is { } taken) return taken;
        if (overflow is not null && await conflicts.CheckTrackingNumbersAsync("overflowNumber", [overflow]) is { } overflowTaken) return overflowTaken;

        var config = new PoolConfig { Id = poolId, Match = request.Match, OverflowNumber = overflow, ForwardTo = forwardTo };
        // Read-modify-write on the current site in Redis: a pool added meanwhile through another edge is kept.
        if (await store.UpdateAsync(siteKey, current => current is null ? null : CopyWithPools(current, WithPool(current.Pools, config))) is null)
            return SiteNotFound(siteKey);
        await pool.AddNumbersAsync(siteKey, poolId, numbers);
        await index.AddAsync(siteKey, poolId, numbers);
        if (overflow is not null) await index.AddOverflowAsync(siteKey, poolId, overflow);
        await NotifyAsync(observers);
        return TypedResults.Ok(new PoolView(poolId, config.Match, config.OverflowNumber, await pool.GetStatsAsync(siteKey, poolId), config.ForwardTo));
    }

    private static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> AddNumbersAsync(
        string siteKey, string poolId, NumbersRequest request, SiteStore store, NumberPool pool, NumberIndex index, ForwardToConflicts conflicts, IEnumerable<ISiteChangeObserver> observers)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.FirstOrDefault(p => p.Id == poolId) is not { } config) return PoolNotFound(siteKey, poolId);
        var errors = new Dictionary<string, string[]>();
        if (request.Numbers is not { Count: > 0 }) errors["numbers"] = ["At least one number is required."];
        var numbers = SiteValidation.ParseNumbers(request.Numbers ?? [], "numbers", site.Region, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await FindNumberInOtherPoolAsync(site, poolId, numbers, pool, index) is { } clash) return clash;
        if (await conflicts.CheckTrackingNumbersAsync("numbers", numbers) is { } taken) return taken;
        await pool.AddNumbersAsync(siteKey, poolId, numbers);
        await index.AddAsync(siteKey, poolId, numbers);
        await NotifyAsync(observers);
        return TypedResults.Ok(new PoolView(poolId, config.Match, config.OverflowNumber, await pool.GetStatsAsync(siteKey, poolId), config.ForwardTo));
    }

    private static async Task<Results<Ok<RetireResponse>, ProblemHttpResult, ValidationProblem>> RetireNumberAsync(
        string siteKey, string poolId, string number, SiteStore store, NumberPool pool)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.All(p => p.Id != poolId)) return PoolNotFound(siteKey, poolId);
        var errors = new Dictionary<string, string[]>();
        if (SiteValidation.ParseNumber(number, "number", site.Region, errors) is not { } e164) return TypedResults.ValidationProblem(errors);
        return await pool.RetireAsync(siteKey, poolId, e164) switch
        {
            RetireOutcome.Unknown => Problems.Problem(StatusCodes.Status404NotFound, $"Pool '{poolId}' has no number {e164}."),
            var outcome => TypedResults.Ok(new RetireResponse(e164, outcome == RetireOutcome.Removed ? "removed" : "retiring")),
        };
    }

    private static async Task<Results<Ok<PoolStats>, ProblemHttpResult>> GetStatsAsync(string siteKey, string poolId, SiteStore store, NumberPool pool)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.All(p => p.Id != poolId)) return PoolNotFound(siteKey, poolId);
        return TypedResults.Ok(await pool.GetStatsAsync(siteKey, poolId));
    }

    /// <summary>
    /// A number in two pools could be leased twice at once, and a call to it credited to the wrong one: refuse it,
    /// whether the other pool is this site's or another site's. Another site is not named (a site-scoped key may ask).
    /// </summary>
    private static async Task<ProblemHttpResult?> FindNumberInOtherPoolAsync(SiteConfig site, string poolId, List<string> numbers, NumberPool pool, NumberIndex index)
    {
        // The number index names every number's pool (the admin API writes it with each addition); it also keeps retired
        // numbers for late calls, so only a number still in that pool clashes.
        var owners = await Task.WhenAll(numbers.Select(index.FindAsync));
        for (var i = 0; i < numbers.Count; i++)
        {
            if (owners[i] is not { IsOverflow: false } owner || (owner.SiteKey == site.SiteKey && owner.PoolId == poolId) ||
                !await pool.ContainsAsync(owner.SiteKey, owner.PoolId, numbers[i]))
                continue;
            return Problems.Problem(StatusCodes.Status409Conflict, owner.SiteKey == site.SiteKey
                ? $"{numbers[i]} is already in pool '{owner.PoolId}'; retire it there first."
                : $"{numbers[i]} is already in another site's pool; retire it there first.");
        }
        return null;
    }

    /// <summary>The pool list with <paramref name="pool"/> replacing the one of the same id in place, or appended.</summary>
    private static List<PoolConfig> WithPool(IReadOnlyList<PoolConfig> pools, PoolConfig pool)
    {
        var list = pools.ToList();
        var position = list.FindIndex(p => p.Id == pool.Id);
        if (position < 0) list.Add(pool);
        else list[position] = pool;
        return list;
    }

    private static SiteConfig CopyWithPools(SiteConfig site, IReadOnlyList<PoolConfig> pools) => site with { Pools = pools };

    /// <summary>The site as the admin API shows it: a Twilio auth token is never sent back.</summary>
    private static SiteConfig Redacted(SiteConfig site) => site with { Calls = site.Calls.Redacted() };

    private static async Task NotifyAsync(IEnumerable<ISiteChangeObserver> observers)
    {
        foreach (var observer in observers) await observer.SitesChangedAsync();
    }

    private static ProblemHttpResult SiteNotFound(string siteKey) => Problems.Problem(StatusCodes.Status404NotFound, $"No site '{siteKey}'.");

    private static ProblemHttpResult PoolNotFound(string siteKey, string poolId) =>
        Problems.Problem(StatusCodes.Status404NotFound, $"Site '{siteKey}' has no pool '{poolId}'.");
}

/// <summary>What retiring a number did: <c>removed</c> at once, or <c>retiring</c> after its current lease.</summary>
public sealed record RetireResponse(string Number, string Outcome);

/// <summary>A pool as the admin API shows it.</summary>
public sealed record PoolView(string Id, SourceRule? Match, string? OverflowNumber, PoolStats Stats, string? ForwardTo = null);

/// <summary>A site as the admin API shows it.</summary>
public sealed record SiteView(SiteConfig Site, IReadOnlyList<PoolView> Pools);
