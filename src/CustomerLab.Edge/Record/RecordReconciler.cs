using System.Text.Json;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Record;

/// <summary>
/// Keeps Redis in line with the record. Every <see cref="RecordOptions.CheckIntervalSeconds"/> it looks for the restore
/// marker (a missing one means Redis lost everything: <see cref="RecordRestorer.RestoreAllAsync"/>); at start and every
/// <see cref="RecordOptions.ReconcileIntervalSeconds"/> it compares each recorded site with Redis (its JSON, each pool's
/// numbers, the number index, the claims, the overflow numbers) and repairs what differs, counting it on
/// <c>/metrics</c> (<c>customerlab_record_drift</c>) and logging <c>RecordDrift</c> (7404). The record wins: a change
/// Redis holds that the record lacks was never acknowledged. Sites Redis holds that the record lacks (written before
/// the record existed, or belonging to another database on the same Redis) are reported, and recorded as they are only
/// with <see cref="RecordOptions.AdoptUnrecordedSites"/>.
/// </summary>
public sealed partial class RecordReconciler(
    ConfigRecord record, RecordRestorer restorer, SiteRecorder recorder, IConnectionMultiplexer redis, NumberPool pool, NumberClaims claims,
    NumberIndex index, SiteAdminLock siteLock, RecordMetrics metrics, IOptions<RecordOptions> options, TimeProvider time,
    ILogger<RecordReconciler> logger) : BackgroundService
{
    /// <summary>Longest wait for a site's admin lock while reconciling it: 5 s (the site is skipped until the next pass otherwise).</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var check = TimeSpan.FromSeconds(options.Value.CheckIntervalSeconds);
        var reconcileEvery = TimeSpan.FromSeconds(options.Value.ReconcileIntervalSeconds);
        long? lastReconcile = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await restorer.IsRestoredAsync()) await restorer.RestoreAllAsync(stoppingToken);
                if (lastReconcile is null || time.GetElapsedTime(lastReconcile.Value) >= reconcileEvery)
                {
                    await ReconcileAsync(stoppingToken);
                    lastReconcile = time.GetTimestamp();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RecordUnavailableException or RedisException or TimeoutException)
            {
                LogReconcileFailed(logger, ex.Message);
            }
            try
            {
                await Task.Delay(check, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One comparison of Redis with the record; returns the drift found (and repaired) by kind.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReconcileAsync(CancellationToken cancellationToken)
    {
        // Redis's site list is read before the record: a site created in between is then in both, never reported as
        // unrecorded while its first commit is under way.
        var inRedis = (await redis.GetDatabase().SetMembersAsync(SiteStore.SitesIndexKey)).Select(m => (string)m!).ToList();
        return await ReconcileAsync(inRedis, await record.ReadSitesAsync(cancellationToken: cancellationToken), cancellationToken);
    }

    /// <summary>
    /// One pass over documents read earlier (<paramref name="documents"/>) and Redis's site list read before them. Each
    /// site is compared under its admin lock, and a document that no longer matches Redis there is read again: an admin
    /// change committed while the pass waited for the lock is newer than the bulk copy, and must not be undone by it.
    /// </summary>
    internal async Task<IReadOnlyDictionary<string, int>> ReconcileAsync(
        IReadOnlyList<string> inRedis, IReadOnlyList<SiteDocument> documents, CancellationToken cancellationToken)
    {
        var drift = new Dictionary<string, int>(StringComparer.Ordinal);
        var recorded = documents.Select(d => d.SiteKey).ToHashSet(StringComparer.Ordinal);
        foreach (var bulk in documents)
        {
            await using var held = await siteLock.TryAcquireAsync(bulk.SiteKey, LockWait);
            if (held is null) continue;
            var document = await MatchesRedisAsync(bulk) ? bulk : (await record.ReadSitesAsync(bulk.SiteKey, cancellationToken)).SingleOrDefault();
            // No document any more: the site was deleted after the bulk read.
            if (document is not null) await ReconcileSiteAsync(document, drift);
        }
        var unrecorded = inRedis.Where(k => !recorded.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unrecorded.Count > 0 && options.Value.AdoptUnrecordedSites)
        {
            foreach (var siteKey in unrecorded)
            {
                await using var held = await siteLock.TryAcquireAsync(siteKey, LockWait);
                if (held is null || !await redis.GetDatabase().KeyExistsAsync(SiteStore.ConfigKey(siteKey))) continue;
                await recorder.CommitAsync(siteKey, await recorder.BeginAsync(siteKey));
                Count(drift, "adopted", siteKey, 1);
            }
        }
        else if (unrecorded.Count > 0)
        {
            drift["unrecorded"] = unrecorded.Count;
            LogUnrecorded(logger, unrecorded.Count, string.Join(", ", unrecorded.Take(5)));
        }
        metrics.Reconciled();
        foreach (var (kind, count) in drift) metrics.Drift(kind, count);
        return drift;
    }

    /// <summary>Whether Redis holds exactly the document's JSON and pool numbers (the common case: nothing to re-read).</summary>
    private async Task<bool> MatchesRedisAsync(SiteDocument document)
    {
        var (current, _) = await recorder.ReadAsync(document.SiteKey, document.Version);
        return current is not null && current.Document == document.Document && current.Numbers.Count == document.Numbers.Count
               && current.Numbers.All(p => document.Numbers.TryGetValue(p.Key, out var n) && n.Order(StringComparer.Ordinal).SequenceEqual(p.Value));
    }

    private async Task ReconcileSiteAsync(SiteDocument document, Dictionary<string, int> drift)
    {
        var db = redis.GetDatabase();
        var siteKey = document.SiteKey;
        var current = await db.StringGetAsync(SiteStore.ConfigKey(siteKey));
        if (current.IsNull)
        {
            await restorer.RestoreSiteAsync(document, afterLoss: true);
            Count(drift, "site_missing", siteKey, 1);
            return;
        }
        if ((string)current! != document.Document)
        {
            await db.StringSetAsync(SiteStore.ConfigKey(siteKey), document.Document);
            Count(drift, "config", siteKey, 1);
        }
        if (!await db.SetContainsAsync(SiteStore.SitesIndexKey, siteKey))
        {
            await db.SetAddAsync(SiteStore.SitesIndexKey, siteKey);
            Count(drift, "config", siteKey, 1);
        }
        var site = JsonSerializer.Deserialize(document.Document, SiteJson.Default.SiteConfig)!;
        var owners = (await index.AllAsync()).ToDictionary(e => e.Number, e => e.Owner, StringComparer.Ordinal);
        foreach (var p in site.Pools)
        {
            var want = document.Numbers.TryGetValue(p.Id, out var n) ? n.ToHashSet(StringComparer.Ordinal) : [];
            var have = (await recorder.ActiveNumbersAsync(siteKey, p.Id)).ToHashSet(StringComparer.Ordinal);
            var missing = want.Where(x => !have.Contains(x)).ToList();
            if (missing.Count > 0)
            {
                foreach (var number in missing) await claims.TryClaimAsync(number, siteKey, ClaimKind.Pool, p.Id);
                await pool.AddNumbersAsync(siteKey, p.Id, missing);
                Count(drift, "number_missing", siteKey, missing.Count);
            }
            var extra = have.Where(x => !want.Contains(x)).ToList();
            foreach (var number in extra)
                if (await pool.RetireAsync(siteKey, p.Id, number) == RetireOutcome.Removed)
                    await claims.ReleaseAsync(number, siteKey, ClaimKind.Pool, p.Id);
            Count(drift, "number_extra", siteKey, extra.Count);

            var unindexed = want.Where(x => !owners.TryGetValue(x, out var o) || o.SiteKey != siteKey || o.PoolId != p.Id || o.IsOverflow).ToList();
            if (unindexed.Count > 0) await index.AddAsync(siteKey, p.Id, unindexed);
            Count(drift, "index", siteKey, unindexed.Count);
            var unclaimed = 0;
            foreach (var number in want)
                if ((await claims.TryClaimAsync(number, siteKey, ClaimKind.Pool, p.Id)).IsNew) unclaimed++;
            Count(drift, "claim", siteKey, unclaimed);

            if (p.OverflowNumber is { } overflow)
            {
                var fixedOverflow = 0;
                if ((await claims.TryClaimAsync(overflow, siteKey, ClaimKind.Overflow, p.Id)).IsNew) fixedOverflow++;
                if (!owners.TryGetValue(overflow, out var o) || o.SiteKey != siteKey || !o.IsOverflow)
                {
                    await index.AddOverflowAsync(siteKey, p.Id, overflow);
                    fixedOverflow++;
                }
                Count(drift, "overflow", siteKey, fixedOverflow);
            }
        }
    }

    private void Count(Dictionary<string, int> drift, string kind, string siteKey, int count)
    {
        if (count <= 0) return;
        drift[kind] = drift.GetValueOrDefault(kind) + count;
        LogDrift(logger, kind, siteKey, count);
    }

    [LoggerMessage(7404, LogLevel.Warning, "Redis differed from the record ({Kind}) for site {SiteKey}: {Count} repaired", EventName = "RecordDrift")]
    private static partial void LogDrift(ILogger logger, string kind, string siteKey, int count);

    [LoggerMessage(7407, LogLevel.Information, "Redis holds {Count} sites the record lacks (such as {Examples}); they are not restored after a loss unless adopted (Record:AdoptUnrecordedSites)", EventName = "RecordUnrecordedSites")]
    private static partial void LogUnrecorded(ILogger logger, int count, string examples);

    [LoggerMessage(7405, LogLevel.Warning, "Comparing Redis with the record failed; retrying at the next check: {Error}", EventName = "RecordReconcileFailed")]
    private static partial void LogReconcileFailed(ILogger logger, string error);
}
