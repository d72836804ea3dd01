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
            pools.Add(new PoolView(p.Id, p.Match, p.OverflowNumber, await pool.GetStatsAsync(siteKey, p.Id)));
        return TypedResults.Ok(new SiteView(site, pools));
    }

    private static async Task<Results<Ok<SiteConfig>, ValidationProblem>> PutSiteAsync(string siteKey, SiteRequest request, SiteStore store)
    {
        var errors = new Dictionary<string, string[]>();
        // From the site as Redis has it now (not this edge's cached copy), so pools added through another edge stay.
        var site = await store.UpdateAsync(siteKey, existing =>
        {
            errors.Clear();
            return SiteValidation.ToSite(siteKey, request, existing?.Pools ?? [], errors);
        });
        return site is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(site);
    }

    private static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> PutPoolAsync(
        string siteKey, string poolId, PoolRequest request, SiteStore store, NumberPool pool, NumberIndex index)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        var errors = new Dictionary<string, string[]>();
        if (!SiteValidation.PoolIdPattern().IsMatch(poolId))
            errors["poolId"] = ["1 to 32 lower-case letters, digits, '-' or '_'."];
        var overflow = request.OverflowNumber is null ? null : SiteValidation.ParseNumber(request.OverflowNumber, "overflowNumber", site.Region, errors);
        var numbers = SiteValidation.ParseNumbers(request.Numbers ?? [], "numbers", site.Region, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await FindNumberInOtherPoolAsync(site, poolId, numbers, pool, index) is { } clash) return clash;

        var config = new PoolConfig { Id = poolId, Match = request.Match, OverflowNumber = overflow };
        // Read-modify-write on the current site in Redis: a pool added meanwhile through another edge is kept.
        if (await store.UpdateAsync(siteKey, current => current is null ? null : CopyWithPools(current, WithPool(current.Pools, config))) is null)
            return SiteNotFound(siteKey);
        await pool.AddNumbersAsync(siteKey, poolId, numbers);
        await index.AddAsync(siteKey, poolId, numbers);
        if (overflow is not null) await index.AddOverflowAsync(siteKey, poolId, overflow);
        return TypedResults.Ok(new PoolView(poolId, config.Match, config.OverflowNumber, await pool.GetStatsAsync(siteKey, poolId)));
    }

    private static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> AddNumbersAsync(
        string siteKey, string poolId, NumbersRequest request, SiteStore store, NumberPool pool, NumberIndex index)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.FirstOrDefault(p => p.Id == poolId) is not { } config) return PoolNotFound(siteKey, poolId);
        var errors = new Dictionary<string, string[]>();
        if (request.Numbers is not { Count: > 0 }) errors["numbers"] = ["At least one number is required."];
        var numbers = SiteValidation.ParseNumbers(request.Numbers ?? [], "numbers", site.Region, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await FindNumberInOtherPoolAsync(site, poolId, numbers, pool, index) is { } clash) return clash;
        await pool.AddNumbersAsync(siteKey, poolId, numbers);
        await index.AddAsync(siteKey, poolId, numbers);
        return TypedResults.Ok(new PoolView(poolId, config.Match, config.OverflowNumber, await pool.GetStatsAsync(siteKey, poolId)));
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

    private static SiteConfig CopyWithPools(SiteConfig site, IReadOnlyList<PoolConfig> pools) => new()
    {
        SiteKey = site.SiteKey, Domains = site.Domains, Targets = site.Targets, DefaultNumber = site.DefaultNumber,
        HoldMinutes = site.HoldMinutes, Region = site.Region, HonourDoNotTrack = site.HonourDoNotTrack, Pools = pools,
    };

    private static ProblemHttpResult SiteNotFound(string siteKey) => Problems.Problem(StatusCodes.Status404NotFound, $"No site '{siteKey}'.");

    private static ProblemHttpResult PoolNotFound(string siteKey, string poolId) =>
        Problems.Problem(StatusCodes.Status404NotFound, $"Site '{siteKey}' has no pool '{poolId}'.");
}

/// <summary>What retiring a number did: <c>removed</c> at once, or <c>retiring</c> after its current lease.</summary>
public sealed record RetireResponse(string Number, string Outcome);

/// <summary>A pool as the admin API shows it.</summary>
public sealed record PoolView(string Id, SourceRule? Match, string? OverflowNumber, PoolStats Stats);

/// <summary>A site as the admin API shows it.</summary>
public sealed record SiteView(SiteConfig Site, IReadOnlyList<PoolView> Pools);
