using CustomerLab.Edge.Http;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Admin;

/// <summary>
/// The admin API for sites and pools (<c>/admin/sites…</c>), behind <see cref="AdminKeyFilter"/>.
/// Phone numbers are validated with libphonenumber; every error names its field. The console's pool and site forms
/// (Backoffice/Pools, Backoffice/SiteSetup) call these same handlers, so both have one validation and one set of 409 rules.
/// </summary>
internal static class AdminEndpoints
{
    /// <summary>Longest wait for another edge's change of the same site: 5 s.</summary>
    private static readonly TimeSpan SiteLockWait = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/admin/sites").AddEndpointFilter<AdminKeyFilter>().AddEndpointFilter<RecordUnavailableFilter>().WithTags("Admin");

        sites.MapGet("/", async (SiteStore store) => TypedResults.Ok(await store.ListAsync()));
        sites.MapGet("/{siteKey}", GetSiteAsync);
        sites.MapPut("/{siteKey}", PutSiteAsync);
        sites.MapPut("/{siteKey}/pools/{poolId}", PutPoolAsync);
        sites.MapPost("/{siteKey}/pools/{poolId}/numbers", AddNumbersAsync);
        sites.MapDelete("/{siteKey}/pools/{poolId}/numbers/{number}", RetireNumberAsync);
        sites.MapGet("/{siteKey}/pools/{poolId}/stats", GetStatsAsync);
        sites.MapDelete("/{siteKey}", DeleteSiteAsync);
        return app;
    }

    private static async Task<Results<Ok<SiteView>, ProblemHttpResult>> GetSiteAsync(string siteKey, SiteStore store, NumberPool pool)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        var pools = new List<PoolView>(site.Pools.Count);
        foreach (var p in site.Pools)
            pools.Add(new PoolView(p.Id, p.Match, p.OverflowNumber, await pool.GetStatsAsync(siteKey, p.Id, site.Hold), p.ForwardTo));
        return TypedResults.Ok(new SiteView(Redacted(site), pools));
    }

    internal static async Task<Results<Ok<SiteConfig>, ValidationProblem, ProblemHttpResult>> PutSiteAsync(
        string siteKey, SiteRequest request, SiteStore store, ForwardToConflicts conflicts, SiteAdminLock siteLock, SiteRecorder recorder,
        IEnumerable<ISiteChangeObserver> observers)
    {
        var errors = new Dictionary<string, string[]>();
        var forwardTo = request.ForwardTo is null ? null : SiteValidation.ParseNumber(request.ForwardTo, "forwardTo", (request.Region ?? "US").ToUpperInvariant(), []);
        if (await conflicts.CheckForwardToAsync("forwardTo", forwardTo) is { } conflict) return conflict;
        // Under the site's lock, so the record's documents of one site follow the order of its changes.
        await using var held = await siteLock.TryAcquireAsync(siteKey, SiteLockWait);
        if (held is null) return Problems.Problem(StatusCodes.Status409Conflict, "Another change of this site is running; try again.");
        var version = await recorder.BeginAsync(siteKey);
        // From the site as Redis has it now (not this edge's cached copy), so pools added through another edge stay.
        var site = await store.UpdateAsync(siteKey, existing =>
        {
            errors.Clear();
            // The conversion secrets are not part of the request: they are kept (rotated with POST .../conversion-secret).
            return SiteValidation.ToSite(siteKey, request, existing?.Pools ?? [], errors, existing?.Calls) is { } updated
                ? updated with { ConversionSecretHashes = existing?.ConversionSecretHashes ?? [] }
                : null;
        });
        if (site is null) return TypedResults.ValidationProblem(errors);
        await recorder.CommitAsync(siteKey, version);
        await NotifyAsync(observers);
        return TypedResults.Ok(Redacted(site));
    }

    internal static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> PutPoolAsync(
        string siteKey, string poolId, PoolRequest request, SiteStore store, NumberPool pool, SiteNumbers siteNumbers, ForwardToConflicts conflicts,
        IEnumerable<ISiteChangeObserver> observers)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        var errors = new Dictionary<string, string[]>();
        if (!SiteValidation.PoolIdPattern().IsMatch(poolId))
            errors["poolId"] = ["1 to 32 lower-case letters, digits, '-' or '_'."];
        var overflow = request.OverflowNumber is null ? null : SiteValidation.ParseNumber(request.OverflowNumber, "overflowNumber", site.Region, errors);
        var numbers = SiteValidation.ParseNumbers(request.Numbers ?? [], "numbers", site.Region, errors);
        var forwardTo = request.ForwardTo is null ? null : SiteValidation.ParseNumber(request.ForwardTo, "forwardTo", site.Region, errors);
        if (overflow is not null && numbers.Contains(overflow))
            errors["overflowNumber"] = ["The overflow number cannot also be one of the pool's tracking numbers."];
        var forwardSip = SiteValidation.ParseSipUri(request.ForwardSip, "forwardSip", errors);
        var recording = SiteValidation.ToRecording(request.Recording, "recording", errors, absent: null);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (forwardTo is not null && (numbers.Contains(forwardTo) || overflow == forwardTo))
            return Problems.Problem(StatusCodes.Status409Conflict, $"forwardTo: {forwardTo} is also one of this pool's own numbers; a call to it would loop.");
        if (await conflicts.CheckForwardToAsync("forwardTo", forwardTo) is { } loop) return loop;
        if (await conflicts.CheckTrackingNumbersAsync("numbers", numbers) is { } taken) return taken;
        if (overflow is not null && await conflicts.CheckTrackingNumbersAsync("overflowNumber", [overflow]) is { } overflowTaken) return overflowTaken;

        // Claims each number (one site per number, also for the overflow number), then writes the pool.
        var config = new PoolConfig { Id = poolId, Match = request.Match, OverflowNumber = overflow, ForwardTo = forwardTo, ForwardSip = forwardSip, Recording = recording };
        if (Refusal(await siteNumbers.PutPoolAsync(siteKey, config, numbers)) is { } refused) return refused;
        await NotifyAsync(observers);
        return TypedResults.Ok(new PoolView(poolId, config.Match, config.OverflowNumber, await pool.GetStatsAsync(siteKey, poolId, site.Hold), config.ForwardTo, config.ForwardSip));
    }

    internal static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> AddNumbersAsync(
        string siteKey, string poolId, NumbersRequest request, SiteStore store, NumberPool pool, SiteNumbers siteNumbers, ForwardToConflicts conflicts,
        IEnumerable<ISiteChangeObserver> observers)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.FirstOrDefault(p => p.Id == poolId) is not { } config) return PoolNotFound(siteKey, poolId);
        var errors = new Dictionary<string, string[]>();
        if (request.Numbers is not { Count: > 0 }) errors["numbers"] = ["At least one number is required."];
        var numbers = SiteValidation.ParseNumbers(request.Numbers ?? [], "numbers", site.Region, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (await conflicts.CheckTrackingNumbersAsync("numbers", numbers) is { } taken) return taken;
        if (Refusal(await siteNumbers.AddNumbersAsync(siteKey, poolId, numbers)) is { } refused) return refused;
        await NotifyAsync(observers);
        return TypedResults.Ok(new PoolView(poolId, config.Match, config.OverflowNumber, await pool.GetStatsAsync(siteKey, poolId, site.Hold), config.ForwardTo));
    }

    internal static async Task<Results<Ok<RetireResponse>, ProblemHttpResult, ValidationProblem>> RetireNumberAsync(
        string siteKey, string poolId, string number, SiteStore store, SiteNumbers siteNumbers)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.All(p => p.Id != poolId)) return PoolNotFound(siteKey, poolId);
        var errors = new Dictionary<string, string[]>();
        if (SiteValidation.ParseNumber(number, "number", site.Region, errors) is not { } e164) return TypedResults.ValidationProblem(errors);
        var result = await siteNumbers.RetireAsync(siteKey, poolId, e164);
        if (Refusal(result) is { } refused) return refused;
        return TypedResults.Ok(new RetireResponse(e164, result.Retired == RetireOutcome.Removed ? "removed" : "retiring"));
    }

    /// <summary>
    /// Deletes a site: its numbers are retired (free ones now, leased ones after their lease) and may then serve another
    /// site; its configuration goes; its history in ClickHouse stays. Any key Redis lists can be deleted, also a
    /// malformed one.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSiteAsync(string siteKey, SiteNumbers siteNumbers,
        IEnumerable<ISiteChangeObserver> observers)
    {
        if (Refusal(await siteNumbers.DeleteSiteAsync(siteKey)) is { } refused) return refused;
        await NotifyAsync(observers);
        return TypedResults.NoContent();
    }

    /// <summary>The problem answer of a refused change, or null when it was done.</summary>
    private static ProblemHttpResult? Refusal(SiteNumbersResult result) => result.Outcome switch
    {
        SiteNumbersOutcome.Ok => null,
        SiteNumbersOutcome.Conflict or SiteNumbersOutcome.Busy => Problems.Problem(StatusCodes.Status409Conflict, result.Detail!),
        _ => Problems.Problem(StatusCodes.Status404NotFound, result.Detail!),
    };

    private static async Task<Results<Ok<PoolStats>, ProblemHttpResult>> GetStatsAsync(string siteKey, string poolId, SiteStore store, NumberPool pool)
    {
        if (await store.GetFreshAsync(siteKey) is not { } site) return SiteNotFound(siteKey);
        if (site.Pools.All(p => p.Id != poolId)) return PoolNotFound(siteKey, poolId);
        return TypedResults.Ok(await pool.GetStatsAsync(siteKey, poolId, site.Hold));
    }

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
public sealed record PoolView(string Id, SourceRule? Match, string? OverflowNumber, PoolStats Stats, string? ForwardTo = null, string? ForwardSip = null);

/// <summary>A site as the admin API shows it.</summary>
public sealed record SiteView(SiteConfig Site, IReadOnlyList<PoolView> Pools);
