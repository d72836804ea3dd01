using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Admin;

/// <summary>What an admin change of a site's numbers did.</summary>
public enum SiteNumbersOutcome { Ok, SiteNotFound, PoolNotFound, NumberNotFound, Conflict, Busy }

/// <summary>The answer of a <see cref="SiteNumbers"/> operation; <paramref name="Detail"/> explains a refusal.</summary>
public sealed record SiteNumbersResult(SiteNumbersOutcome Outcome, string? Detail = null, RetireOutcome Retired = RetireOutcome.Unknown)
{
    public static readonly SiteNumbersResult Ok = new(SiteNumbersOutcome.Ok);
}

/// <summary>
/// Every admin change of which numbers a site uses goes through here, so one number serves one site:
/// each number is first claimed (<see cref="NumberClaims"/>, a compare-and-set per number that works on Redis Cluster),
/// then added to the pool; a claim made by a step that then fails is released. Changes of one site are serialised
/// across edges by <see cref="SiteAdminLock"/>.
///
/// A retired number keeps its claim while its last lease runs. The claim is released when the retire removes it at
/// once, and otherwise found stale and released by the next site that asks for the number: the owner's pool is
/// reclaimed first (its expired leases end), and a claim whose number is no longer in that pool (or an overflow claim
/// no pool of that site names any more) goes. A number therefore moves to another site only after its last lease.
/// </summary>
/// <param name="recordEnd">Where leases this class ends (expired ones of a pool it checks) go: the lease history.</param>
/// <param name="recorder">Records the site's whole document after each change, before it is acknowledged (<see cref="RecordUnavailableException"/>: nothing is).
/// Null only where no record exists (tests of the claims on Redis alone).</param>
public sealed class SiteNumbers(SiteStore store, NumberPool pool, NumberClaims claims, NumberIndex index, SiteAdminLock siteLock, SiteRecorder? recorder, Action<EndedLease> recordEnd)
{
    /// <summary>Longest wait for another edge's change of the same site: 5 s.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for another site's lock while checking whether its claim is stale: 1 s.</summary>
    private static readonly TimeSpan OtherSiteLockWait = TimeSpan.FromSeconds(1);

    private static readonly SiteNumbersResult Busy = new(SiteNumbersOutcome.Busy, "Another change of this site is running; try again.");

    /// <summary>Creates or replaces a pool's rule and overflow number and adds <paramref name="numbers"/> to it.</summary>
    public async Task<SiteNumbersResult> PutPoolAsync(string siteKey, PoolConfig config, IReadOnlyList<string> numbers)
    {
        if (config.OverflowNumber is { } own && numbers.Contains(own))
            return new SiteNumbersResult(SiteNumbersOutcome.Conflict, $"{own} cannot be both the pool's overflow number and one of its tracking numbers.");
        await using var held = await siteLock.TryAcquireAsync(siteKey, LockWait);
        if (held is null) return Busy;
        var version = recorder is null ? 0 : await recorder.BeginAsync(siteKey);
        if (await store.GetFreshAsync(siteKey) is not { } site) return NotFound(siteKey);
        var previousOverflow = site.Pools.FirstOrDefault(p => p.Id == config.Id)?.OverflowNumber;

        var made = new List<(string Number, ClaimKind Kind)>();
        if (config.OverflowNumber is { } overflow &&
            await ClaimAsync(siteKey, overflow, ClaimKind.Overflow, config.Id, made) is { } overflowClash)
            return await RollBackAsync(siteKey, config.Id, made, overflowClash);
        if (await ClaimAllAsync(siteKey, config.Id, numbers, made) is { } clash)
            return await RollBackAsync(siteKey, config.Id, made, clash);
        try
        {
            // Read-modify-write on the current site in Redis: a pool added meanwhile through another edge is kept.
            if (await store.UpdateAsync(siteKey, current => current is null ? null : current.WithPool(config)) is null)
                return await RollBackAsync(siteKey, config.Id, made, NotFound(siteKey));
            await pool.AddNumbersAsync(siteKey, config.Id, numbers);
        }
        catch
        {
            await RollBackAsync(siteKey, config.Id, made, Busy);
            throw;
        }
        if (previousOverflow is not null && previousOverflow != config.OverflowNumber)
            await claims.ReleaseAsync(previousOverflow, siteKey, ClaimKind.Overflow, config.Id);
        await index.AddAsync(siteKey, config.Id, numbers);
        if (config.OverflowNumber is not null) await index.AddOverflowAsync(siteKey, config.Id, config.OverflowNumber);
        if (recorder is not null) await recorder.CommitAsync(siteKey, version);
        return SiteNumbersResult.Ok;
    }

    /// <summary>Adds numbers to an existing pool.</summary>
    public async Task<SiteNumbersResult> AddNumbersAsync(string siteKey, string poolId, IReadOnlyList<string> numbers)
    {
        await using var held = await siteLock.TryAcquireAsync(siteKey, LockWait);
        if (held is null) return Busy;
        var version = recorder is null ? 0 : await recorder.BeginAsync(siteKey);
        if (await store.GetFreshAsync(siteKey) is not { } site) return NotFound(siteKey);
        if (site.Pools.All(p => p.Id != poolId)) return PoolNotFound(siteKey, poolId);
        var made = new List<(string Number, ClaimKind Kind)>();
        if (await ClaimAllAsync(siteKey, poolId, numbers, made) is { } clash)
            return await RollBackAsync(siteKey, poolId, made, clash);
        try
        {
            await pool.AddNumbersAsync(siteKey, poolId, numbers);
        }
        catch
        {
            await RollBackAsync(siteKey, poolId, made, Busy);
            throw;
        }
        await index.AddAsync(siteKey, poolId, numbers);
        if (recorder is not null) await recorder.CommitAsync(siteKey, version);
        return SiteNumbersResult.Ok;
    }

    /// <summary>Retires a number: removed now when free (its claim goes with it), else after its lease.</summary>
    public async Task<SiteNumbersResult> RetireAsync(string siteKey, string poolId, string number)
    {
        await using var held = await siteLock.TryAcquireAsync(siteKey, LockWait);
        if (held is null) return Busy;
        var version = recorder is null ? 0 : await recorder.BeginAsync(siteKey);
        if (await store.GetFreshAsync(siteKey) is not { } site) return NotFound(siteKey);
        if (site.Pools.All(p => p.Id != poolId)) return PoolNotFound(siteKey, poolId);
        var outcome = await pool.RetireAsync(siteKey, poolId, number);
        if (outcome == RetireOutcome.Unknown)
            return new SiteNumbersResult(SiteNumbersOutcome.NumberNotFound, $"Pool '{poolId}' has no number {number}.");
        if (outcome == RetireOutcome.Removed) await claims.ReleaseAsync(number, siteKey, ClaimKind.Pool, poolId);
        if (recorder is not null) await recorder.CommitAsync(siteKey, version);
        return new SiteNumbersResult(SiteNumbersOutcome.Ok, Retired: outcome);
    }

    /// <summary>
    /// Deletes a site: every number of its pools is retired (free ones at once, leased ones after their lease), its
    /// overflow claims are released, and its configuration and listing are removed. Its history in ClickHouse stays.
    /// Works for any key Redis holds, also one the validators should never have accepted.
    /// </summary>
    public async Task<SiteNumbersResult> DeleteSiteAsync(string siteKey)
    {
        await using var held = await siteLock.TryAcquireAsync(siteKey, LockWait);
        if (held is null) return Busy;
        var version = recorder is null ? 0 : await recorder.BeginAsync(siteKey);
        var site = await store.GetFreshAsync(siteKey);
        if (site is null && !(await store.ListAsync()).Contains(siteKey)) return NotFound(siteKey);
        foreach (var p in site?.Pools ?? [])
        {
            foreach (var number in (await pool.SnapshotAsync(siteKey, p.Id)).All)
                if (await pool.RetireAsync(siteKey, p.Id, number) == RetireOutcome.Removed)
                    await claims.ReleaseAsync(number, siteKey, ClaimKind.Pool, p.Id);
            if (p.OverflowNumber is not null) await claims.ReleaseAsync(p.OverflowNumber, siteKey, ClaimKind.Overflow, p.Id);
        }
        await store.DeleteAsync(siteKey);
        if (recorder is not null) await recorder.CommitAsync(siteKey, version);
        return SiteNumbersResult.Ok;
    }

    private async Task<SiteNumbersResult?> ClaimAllAsync(string siteKey, string poolId, IReadOnlyList<string> numbers, List<(string, ClaimKind)> made)
    {
        foreach (var number in numbers)
            if (await ClaimAsync(siteKey, number, ClaimKind.Pool, poolId, made) is { } clash)
                return clash;
        return null;
    }

    /// <summary>Claims one number (healing a stale claim once); null when claimed, else the conflict.</summary>
    private async Task<SiteNumbersResult?> ClaimAsync(string siteKey, string number, ClaimKind kind, string holder, List<(string, ClaimKind)> made)
    {
        var result = await claims.TryClaimAsync(number, siteKey, kind, holder);
        if (!result.Claimed && await ReleaseIfStaleAsync(siteKey, number, result.Owner!))
            result = await claims.TryClaimAsync(number, siteKey, kind, holder);
        if (result.Claimed)
        {
            if (result.IsNew) made.Add((number, kind));
            return null;
        }
        var owner = result.Owner!;
        return new SiteNumbersResult(SiteNumbersOutcome.Conflict, owner.SiteKey != siteKey
            ? $"{number} is already used by another site; retire it there first."
            : owner.Kind == ClaimKind.Pool
                ? $"{number} is already in pool '{owner.Holders.FirstOrDefault()}'; retire it there first."
                : $"{number} is already this site's {ClaimKindLabel(owner.Kind)} number; a tracking number cannot be one too.");
    }

    private static string ClaimKindLabel(ClaimKind kind) => kind == ClaimKind.Overflow ? "overflow" : "forward-to";

    /// <summary>
    /// True when the claim no longer matches what its site holds (the number left the pool after its last lease, or
    /// no pool names it as overflow any more) and was released. Checked under the owner's lock (ours when it is us).
    /// </summary>
    private async Task<bool> ReleaseIfStaleAsync(string siteKey, string number, ClaimOwner owner)
    {
        if (owner.Kind == ClaimKind.Forward) return false; // forward-to numbers are the phone-calls feature's to release
        await using var other = owner.SiteKey == siteKey ? null : await siteLock.TryAcquireAsync(owner.SiteKey, OtherSiteLockWait);
        if (owner.SiteKey != siteKey && other is null) return false;
        var site = await store.GetFreshAsync(owner.SiteKey);
        var released = false;
        foreach (var holder in owner.Holders)
        {
            bool stale;
            if (owner.Kind == ClaimKind.Pool)
            {
                foreach (var ended in await pool.ReclaimAsync(owner.SiteKey, holder)) recordEnd(ended); // end expired leases first
                stale = !await pool.ContainsAsync(owner.SiteKey, holder, number);
            }
            else
            {
                stale = site?.Pools.Any(p => p.Id == holder && p.OverflowNumber == number) != true;
            }
            if (stale && await claims.ReleaseAsync(number, owner.SiteKey, owner.Kind, holder)) released = true;
        }
        return released;
    }

    private async Task<SiteNumbersResult> RollBackAsync(string siteKey, string holder, List<(string Number, ClaimKind Kind)> made, SiteNumbersResult result)
    {
        foreach (var (number, kind) in made) await claims.ReleaseAsync(number, siteKey, kind, holder);
        return result;
    }

    private static SiteNumbersResult NotFound(string siteKey) => new(SiteNumbersOutcome.SiteNotFound, $"No site '{siteKey}'.");

    private static SiteNumbersResult PoolNotFound(string siteKey, string poolId) =>
        new(SiteNumbersOutcome.PoolNotFound, $"Site '{siteKey}' has no pool '{poolId}'.");
}
