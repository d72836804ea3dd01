using System.Text.Json;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Record;

/// <summary>
/// Rebuilds Redis from the record. A marker key per database (<c>cl:record:{db}:restored</c>) says Redis holds what the
/// record holds: when it is missing (Redis was flushed, restarted without persistence, or this database is new), the
/// first edge to take <c>cl:record:{db}:restore-lock</c> restores everything once and sets the marker; other edges wait
/// for the marker. A single site missing while the marker is present (evicted) is restored on its own.
///
/// After a loss, every restored tracking number is held back for one hold (<see cref="NumberPool.HoldBackAsync"/>):
/// the leases Redis lost may still be live in visitors' browsers, and their holders get their numbers back by naming
/// them (the signed lease cookie).
/// </summary>
public sealed partial class RecordRestorer(
    ConfigRecord record, IConnectionMultiplexer redis, NumberPool pool, NumberClaims claims, NumberIndex index, SiteAdminLock siteLock,
    IEnumerable<IRecordedState> states, RecordMetrics metrics, IOptions<ClickHouseOptions> clickHouse, IOptions<RecordOptions> options,
    TimeProvider time, ILogger<RecordRestorer> logger) : ISiteRestorer
{
    /// <summary>How long the restore lock lives if its edge dies mid-way: 60 s.</summary>
    private static readonly TimeSpan LockExpiry = TimeSpan.FromSeconds(60);

    /// <summary>How often a waiting edge looks for the marker: 20 ms.</summary>
    private static readonly TimeSpan WaitPause = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the list of recorded site keys is trusted before a missing site makes it read again: 10 s.</summary>
    private static readonly TimeSpan KnownSitesAge = TimeSpan.FromSeconds(10);

    private readonly RedisKey _marker = $"cl:record:{clickHouse.Value.Database}:restored";
    private readonly RedisKey _lock = $"cl:record:{clickHouse.Value.Database}:restore-lock";
    private readonly SemaphoreSlim _knownGate = new(1, 1);
    private (HashSet<string> Keys, long ReadAt)? _known;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>True when Redis holds the marker of a completed restore for this database.</summary>
    public async Task<bool> IsRestoredAsync() => await Db.KeyExistsAsync(_marker);

    /// <inheritdoc />
    public async Task<bool> RestoreIfLostAsync()
    {
        try
        {
            if (await IsRestoredAsync()) return false;
            await RestoreAllAsync(CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is RecordUnavailableException or RedisException or TimeoutException)
        {
            LogRestoreFailed(logger, ex.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> RestoreMissingAsync(string siteKey)
    {
        try
        {
            if (!await IsRestoredAsync())
            {
                await RestoreAllAsync(CancellationToken.None);
                return true;
            }
            if (!(await KnownSitesAsync()).Contains(siteKey)) return false;
            var documents = await record.ReadSitesAsync(siteKey);
            if (documents.Count == 0) return false;
            await using var held = await siteLock.TryAcquireAsync(siteKey, TimeSpan.FromMilliseconds(options.Value.RestoreWaitMs));
            if (held is null) return true;
            if (await Db.KeyExistsAsync(SiteStore.ConfigKey(siteKey))) return true;
            await RestoreSiteAsync(documents[0], afterLoss: true);
            metrics.Drift("site_missing", 1);
            LogSiteRestored(logger, siteKey);
            return true;
        }
        catch (Exception ex) when (ex is RecordUnavailableException or RedisException or TimeoutException)
        {
            LogRestoreFailed(logger, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Restores everything the record holds, once across edges: returns true when this edge did it, false when another
    /// edge did (or is still doing it after <see cref="RecordOptions.RestoreWaitMs"/>).
    /// </summary>
    public async Task<bool> RestoreAllAsync(CancellationToken cancellationToken)
    {
        await using var restoring = await siteLock.TryAcquireKeyAsync(_lock, TimeSpan.Zero, LockExpiry);
        if (restoring is null)
        {
            // Real time, like the pauses (a test's fake clock must not make this wait forever).
            var waitFrom = System.Diagnostics.Stopwatch.GetTimestamp();
            while (!await IsRestoredAsync() && System.Diagnostics.Stopwatch.GetElapsedTime(waitFrom).TotalMilliseconds < options.Value.RestoreWaitMs)
                await Task.Delay(WaitPause, cancellationToken);
            return false;
        }
        // Another edge may have finished between our marker check and our lock.
        if (await IsRestoredAsync()) return false;
        var documents = await record.ReadSitesAsync(cancellationToken: cancellationToken);
        var numbers = 0;
        foreach (var document in documents)
        {
            await using var held = await siteLock.TryAcquireAsync(document.SiteKey, LockExpiry);
            numbers += await RestoreSiteAsync(document, afterLoss: true);
        }
        var others = 0;
        foreach (var state in states) others += await state.RestoreAsync(cancellationToken);
        _known = (documents.Select(d => d.SiteKey).ToHashSet(StringComparer.Ordinal), time.GetTimestamp());
        await Db.StringSetAsync(_marker, time.GetUtcNow().ToUnixTimeMilliseconds());
        metrics.Restored();
        LogRestored(logger, documents.Count, numbers, others);
        return true;
    }

    /// <summary>
    /// Puts one recorded site into Redis: its JSON (unless Redis already has one: a change made meanwhile wins), its
    /// listing, each pool's numbers with their claims and index entries, its overflow numbers. With
    /// <paramref name="afterLoss"/>, free numbers are held back for one hold. Idempotent. Returns the pool numbers restored.
    /// </summary>
    internal async Task<int> RestoreSiteAsync(SiteDocument document, bool afterLoss)
    {
        var siteKey = document.SiteKey;
        await Db.StringSetAsync(SiteStore.ConfigKey(siteKey), document.Document, when: When.NotExists);
        await Db.SetAddAsync(SiteStore.SitesIndexKey, siteKey);
        var site = JsonSerializer.Deserialize(document.Document, SiteJson.Default.SiteConfig)!;
        var until = time.GetUtcNow() + site.Hold;
        var restored = 0;
        foreach (var p in site.Pools)
        {
            var numbers = document.Numbers.TryGetValue(p.Id, out var n) ? n : [];
            foreach (var number in numbers) await claims.TryClaimAsync(number, siteKey, ClaimKind.Pool, p.Id);
            // After a loss the numbers join the pool already held back (one step), so no assignment can take one first.
            if (afterLoss) await pool.HoldBackAsync(siteKey, p.Id, numbers, until);
            await pool.AddNumbersAsync(siteKey, p.Id, numbers);
            await index.AddAsync(siteKey, p.Id, numbers);
            if (p.OverflowNumber is { } overflow)
            {
                await claims.TryClaimAsync(overflow, siteKey, ClaimKind.Overflow, p.Id);
                await index.AddOverflowAsync(siteKey, p.Id, overflow);
            }
            restored += numbers.Count;
        }
        return restored;
    }

    /// <summary>The site keys the record holds, read again when older than <see cref="KnownSitesAge"/>.</summary>
    private async Task<HashSet<string>> KnownSitesAsync()
    {
        if (_known is { } known && time.GetElapsedTime(known.ReadAt) < KnownSitesAge) return known.Keys;
        await _knownGate.WaitAsync();
        try
        {
            if (_known is { } again && time.GetElapsedTime(again.ReadAt) < KnownSitesAge) return again.Keys;
            var keys = (await record.ReadSitesAsync()).Select(d => d.SiteKey).ToHashSet(StringComparer.Ordinal);
            _known = (keys, time.GetTimestamp());
            return keys;
        }
        finally
        {
            _knownGate.Release();
        }
    }

    [LoggerMessage(7401, LogLevel.Warning, "Redis held nothing of the record; restored {Sites} sites ({Numbers} numbers, held back for one hold) and {Others} other items from the record", EventName = "RecordRestored")]
    private static partial void LogRestored(ILogger logger, int sites, int numbers, int others);

    [LoggerMessage(7402, LogLevel.Warning, "Site {SiteKey} was missing from Redis; restored it from the record", EventName = "RecordSiteRestored")]
    private static partial void LogSiteRestored(ILogger logger, string siteKey);

    [LoggerMessage(7403, LogLevel.Error, "Restoring from the record failed: {Error}", EventName = "RecordRestoreFailed")]
    private static partial void LogRestoreFailed(ILogger logger, string error);
}
