using System.Collections.Concurrent;
using System.Globalization;
using CustomerLab.Edge.Identifiers;
using CustomerLab.Edge.Redis;
using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Leases tracking numbers from a site's pools in Redis. Every mutation is one Lua script (atomic, one round
/// trip); expired leases are reclaimed inside the assign script, so no keyspace notifications are needed.
/// Invariants (tested under concurrency on Garnet, redis-server and Redis Cluster): a number is leased to at
/// most one live session at any instant; a session holds at most one number per pool; no number is lost from
/// or duplicated in a pool.
/// </summary>
public sealed class NumberPool(IConnectionMultiplexer redis, TimeProvider time, PoolSizing? sizing = null)
{
    /// <summary>How long a visitor's last number is remembered for stickiness: 30 days.</summary>
    public static readonly TimeSpan VisitorMemory = TimeSpan.FromDays(30);

    /// <summary>
    /// Extra life of a session's pool → number key beyond the hold, in milliseconds (one day). Its TTL runs on Redis's
    /// clock while leases expire on ours; the key is only a pointer (the holder check decides), so it must never
    /// vanish before the lease does.
    /// </summary>
    private const long SessionKeySlackMs = 86_400_000;

    /// <summary>Most expired leases one call ends; the rest wait for the next call.</summary>
    private const int ReclaimLimit = 256;

    private static readonly RedisValue ReclaimLimitValue = ReclaimLimit;
    // Every pool script is sent by its hash (see RedisScript), the hot assign script and the admin ones alike.
    private static readonly RedisScript AssignScript = new(NumberPoolScripts.Assign);
    private static readonly RedisScript ReleaseScript = new(NumberPoolScripts.Release);
    private static readonly RedisScript ReclaimScript = new(NumberPoolScripts.Reclaim);
    private static readonly RedisScript AddScript = new(NumberPoolScripts.Add);
    private static readonly RedisScript RetireScript = new(NumberPoolScripts.Retire);
    private static readonly RedisScript HoldBackScript = new(NumberPoolScripts.HoldBack);

    /// <summary>Every pool script, for the start-up warm-up to load on each primary.</summary>
    internal static readonly RedisScript[] Scripts = [AssignScript, ReleaseScript, ReclaimScript, AddScript, RetireScript, HoldBackScript];
    private static readonly RedisValue VisitorMemoryMs = (long)VisitorMemory.TotalMilliseconds;

    private readonly ConcurrentDictionary<(string Site, string Pool), PoolKeys> _keys = new();

    private IDatabase Db => redis.GetDatabase();

    internal PoolKeys KeysFor(string siteKey, string poolId) =>
        _keys.GetOrAdd((siteKey, poolId), static k => new PoolKeys(k.Site, k.Pool));

    /// <summary>Leases a number to the session, or renews the lease it holds, or reports exhaustion.</summary>
    /// <param name="resumeNumber">The number the session's signed lease cookie names while its lease has not run out: given back
    /// when Redis lost the lease (held back after the loss, or free). Null: none.</param>
    public async Task<AssignResult> AssignAsync(string siteKey, string poolId, string sessionId, string visitorId, string source, TimeSpan hold,
        LeaseCaps? caps = null, string? resumeNumber = null)
    {
        var keys = KeysFor(siteKey, poolId);
        var at = time.GetUtcNow();
        var now = at.ToUnixTimeMilliseconds();
        var holdMs = (long)hold.TotalMilliseconds;
        var leaseId = Uuid7.Create(at).ToString();
        var raw = (RedisResult[])(await AssignScript.EvaluateAsync(Db, keys.AssignKeys(sessionId, visitorId, caps?.Network),
            [now, holdMs, sessionId, visitorId, leaseId, source, poolId, holdMs + SessionKeySlackMs, VisitorMemoryMs, ReclaimLimitValue,
             caps?.Network is null ? -1 : caps.NetworkMin, caps?.NetworkShare ?? 0, caps?.PerVisitor ?? -1, resumeNumber ?? ""]))!;

        var status = (LeaseStatus)(int)raw[0];
        if (status == LeaseStatus.Capped)
            return new AssignResult(status, null, false, ReadEnded(keys, raw, 6, "expired"));
        var ended = ReadEnded(keys, raw, 6, "expired");
        if (status == LeaseStatus.Exhausted)
            return new AssignResult(status, null, false, ended, NewlyExhausted: (int)raw[5] == 1);
        var lease = new Lease(siteKey, poolId, (string)raw[1]!, (string)raw[2]!, sessionId, visitorId, source,
            DateTimeOffset.FromUnixTimeMilliseconds((long)raw[3]), DateTimeOffset.FromUnixTimeMilliseconds((long)raw[4]), hold);
        return new AssignResult(status, lease, (int)raw[5] == 1, ended);
    }

    /// <summary>The lease the number is under in Redis now (live, or expired but not reclaimed yet), or null.</summary>
    public async Task<Lease?> CurrentLeaseAsync(string siteKey, string poolId, string number)
    {
        var keys = KeysFor(siteKey, poolId);
        var tx = Db.CreateTransaction();
        var info = tx.HashGetAsync(keys.Info, number);
        var expiry = tx.SortedSetScoreAsync(keys.Leases, number);
        await tx.ExecuteAsync();
        if ((await info).IsNull || await expiry is not { } expiryMs) return null;
        return ParseInfo(keys, number, (string)(await info)!, DateTimeOffset.FromUnixTimeMilliseconds((long)expiryMs));
    }

    /// <summary>Sessions that were given the overflow number and whose hold had not run out at <paramref name="at"/>.</summary>
    public async Task<IReadOnlyList<string>> OverflowSessionsAsync(string siteKey, string poolId, DateTimeOffset at)
    {
        var keys = KeysFor(siteKey, poolId);
        var members = await Db.SortedSetRangeByScoreAsync(keys.Overflow, at.ToUnixTimeMilliseconds(), double.PositiveInfinity);
        return members.Select(m => (string)m!).ToList();
    }

    /// <summary>The number the session holds live in the pool, or null.</summary>
    public async Task<string?> HeldNumberAsync(string siteKey, string poolId, string sessionId)
    {
        var keys = KeysFor(siteKey, poolId);
        var number = await Db.HashGetAsync(keys.Session(sessionId), poolId);
        if (number.IsNull) return null;
        var holder = await Db.HashGetAsync(keys.Holder, number);
        return holder == sessionId ? (string?)number : null;
    }

    /// <summary>Ends the session's lease on the number now; null when the session does not hold it.</summary>
    public async Task<EndedLease?> ReleaseAsync(string siteKey, string poolId, string number, string sessionId)
    {
        var keys = KeysFor(siteKey, poolId);
        var now = time.GetUtcNow();
        var result = await ReleaseScript.EvaluateAsync(Db,
            [keys.Free, keys.Leases, keys.Holder, keys.Info, keys.Retired, keys.All, keys.Session(sessionId)],
            [number, sessionId, now.ToUnixTimeMilliseconds(), poolId]);
        if (result.IsNull || result.Resp2Type != ResultType.Array) return null;
        // Ended before its expiry: the holder's lease cookie must stop counting (SignedRenewals).
        await LeaseGenerations.BumpAsync(Db, siteKey, now);
        var parts = (RedisResult[])result!;
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds((long)double.Parse((string)parts[1]!, CultureInfo.InvariantCulture));
        var lease = ParseInfo(keys, number, (string)parts[0]!, expiry);
        return lease is null ? null : new EndedLease(lease, now, "released");
    }

    /// <summary>Ends every expired lease of the pool now (the assign script also does this as it goes).</summary>
    public async Task<IReadOnlyList<EndedLease>> ReclaimAsync(string siteKey, string poolId)
    {
        var keys = KeysFor(siteKey, poolId);
        var raw = (RedisResult[])(await ReclaimScript.EvaluateAsync(Db, keys.ReclaimKeys,
            [time.GetUtcNow().ToUnixTimeMilliseconds(), ReclaimLimitValue]))!;
        return ReadEnded(keys, raw, 0, "expired");
    }

    /// <summary>True when the number belongs to the pool (free, leased, or retiring until its lease ends).</summary>
    public Task<bool> ContainsAsync(string siteKey, string poolId, string number) =>
        Db.SetContainsAsync(KeysFor(siteKey, poolId).All, number);

    /// <summary>Adds numbers (E.164) to the pool; returns how many were new.</summary>
    public async Task<int> AddNumbersAsync(string siteKey, string poolId, IReadOnlyCollection<string> numbers)
    {
        if (numbers.Count == 0) return 0;
        var keys = KeysFor(siteKey, poolId);
        var args = new RedisValue[numbers.Count];
        var i = 0;
        foreach (var n in numbers) args[i++] = n;
        return (int)await AddScript.EvaluateAsync(Db, keys.AdminKeys, args);
    }

    /// <summary>
    /// After Redis lost its leases: every free number of <paramref name="numbers"/>, and every one not in the pool yet
    /// (added in the same step), is held back (leased to no session)
    /// until <paramref name="until"/>, so a lease still live in a visitor's browser is not handed to someone else; its
    /// holder gets it back by naming it (see <see cref="AssignAsync"/>). Returns how many were held back.
    /// </summary>
    public async Task<int> HoldBackAsync(string siteKey, string poolId, IReadOnlyCollection<string> numbers, DateTimeOffset until)
    {
        if (numbers.Count == 0) return 0;
        var args = new RedisValue[numbers.Count + 1];
        args[0] = until.ToUnixTimeMilliseconds();
        var i = 1;
        foreach (var n in numbers) args[i++] = n;
        var held = (int)await HoldBackScript.EvaluateAsync(Db, KeysFor(siteKey, poolId).ReclaimKeys, args);
        // Redis lost its leases: no lease cookie written before counts without Redis any more (SignedRenewals).
        await LeaseGenerations.BumpAsync(Db, siteKey, time.GetUtcNow());
        return held;
    }

    /// <summary>Retires a number: gone now if free, else after its current lease; never handed out again.</summary>
    public async Task<RetireOutcome> RetireAsync(string siteKey, string poolId, string number)
    {
        var keys = KeysFor(siteKey, poolId);
        return (RetireOutcome)(int)await RetireScript.EvaluateAsync(Db, keys.AdminKeys, [number]);
    }

    /// <summary>The pool's sets and maps, read in one MULTI so they are consistent with each other.</summary>
    public async Task<PoolSnapshot> SnapshotAsync(string siteKey, string poolId)
    {
        var keys = KeysFor(siteKey, poolId);
        var tx = Db.CreateTransaction();
        var all = tx.SetMembersAsync(keys.All);
        var free = tx.SortedSetRangeByRankWithScoresAsync(keys.Free);
        var leases = tx.SortedSetRangeByRankWithScoresAsync(keys.Leases);
        var holders = tx.HashGetAllAsync(keys.Holder);
        var retired = tx.SetMembersAsync(keys.Retired);
        await tx.ExecuteAsync();
        return new PoolSnapshot(
            (await all).Select(v => (string)v!).ToHashSet(),
            (await free).ToDictionary(e => (string)e.Element!, e => e.Score),
            (await leases).ToDictionary(e => (string)e.Element!, e => e.Score),
            (await holders).ToDictionary(e => (string)e.Name!, e => (string)e.Value!),
            (await retired).Select(v => (string)v!).ToHashSet());
    }

    /// <summary>Size, use, exhaustion and the recommended size for the site's <paramref name="hold"/> (default 30 minutes). Also drops counters older than a week.</summary>
    public async Task<PoolStats> GetStatsAsync(string siteKey, string poolId, TimeSpan? hold = null)
    {
        var keys = KeysFor(siteKey, poolId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var tx = Db.CreateTransaction();
        var size = tx.SetLengthAsync(keys.All);
        var free = tx.SortedSetLengthAsync(keys.Free);
        var live = tx.SortedSetLengthAsync(keys.Leases, now, double.PositiveInfinity, Exclude.Start);
        var retiring = tx.SetLengthAsync(keys.Retired);
        var exhausted = tx.HashGetAllAsync(keys.Exhausted);
        var peak = tx.HashGetAllAsync(keys.Peak);
        await tx.ExecuteAsync();

        var minuteNow = now / 60_000;
        long lastHour = 0, lastDay = 0;
        var stale = new List<RedisValue>();
        foreach (var entry in await exhausted)
        {
            var minute = long.Parse((string)entry.Name!, CultureInfo.InvariantCulture);
            var count = (long)entry.Value;
            if (minute > minuteNow - 60) lastHour += count;
            if (minute > minuteNow - 24 * 60) lastDay += count;
            else if (minute < minuteNow - 7 * 24 * 60) stale.Add(entry.Name);
        }
        var hourNow = now / 3_600_000;
        long peakDemand = 0;
        var stalePeaks = new List<RedisValue>();
        foreach (var entry in await peak)
        {
            var hour = long.Parse((string)entry.Name!, CultureInfo.InvariantCulture);
            if (hour > hourNow - 24) peakDemand = Math.Max(peakDemand, (long)entry.Value);
            else if (hour < hourNow - 7 * 24) stalePeaks.Add(entry.Name);
        }
        if (stale.Count > 0) await Db.HashDeleteAsync(keys.Exhausted, [.. stale]);
        if (stalePeaks.Count > 0) await Db.HashDeleteAsync(keys.Peak, [.. stalePeaks]);

        var sizeNow = (int)await size;
        var leased = (int)await live;
        return new PoolStats(sizeNow, leased, (int)await free, (int)await retiring, lastHour, lastDay, peakDemand,
            (sizing ?? PoolSizing.WithoutGrace).RecommendedSize(peakDemand, hold ?? TimeSpan.FromMinutes(30)), sizeNow == 0 ? 0 : Math.Round((double)leased / sizeNow, 4));
    }

    /// <summary>
    /// Peak concurrent demand of each of the last 24 hours, oldest first (the hour's start, its peak; 0 when the pool saw
    /// no demand): the series behind <see cref="PoolStats.PeakConcurrentDemand"/>, for the console's chart.
    /// </summary>
    public async Task<IReadOnlyList<(DateTimeOffset Hour, long Peak)>> GetHourlyPeaksAsync(string siteKey, string poolId)
    {
        var hourNow = time.GetUtcNow().ToUnixTimeMilliseconds() / 3_600_000;
        var peaks = (await Db.HashGetAllAsync(KeysFor(siteKey, poolId).Peak))
            .ToDictionary(e => long.Parse((string)e.Name!, CultureInfo.InvariantCulture), e => (long)e.Value);
        return Enumerable.Range(0, 24).Select(i => hourNow - 23 + i)
            .Select(hour => (DateTimeOffset.FromUnixTimeMilliseconds(hour * 3_600_000), peaks.GetValueOrDefault(hour))).ToList();
    }

    private static List<EndedLease> ReadEnded(PoolKeys keys, RedisResult[] raw, int start, string reason)
    {
        var ended = new List<EndedLease>((raw.Length - start) / 3);
        for (var i = start; i + 2 < raw.Length; i += 3)
        {
            var endedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)double.Parse((string)raw[i + 2]!, CultureInfo.InvariantCulture));
            if (ParseInfo(keys, (string)raw[i]!, (string)raw[i + 1]!, endedAt) is { } lease)
                ended.Add(new EndedLease(lease, endedAt, reason));
        }
        return ended;
    }

    /// <summary>Reads "leaseId|session|visitor|source|startedMs|holdMs"; the expiry given is the lease's last known one.</summary>
    private static Lease? ParseInfo(PoolKeys keys, string number, string info, DateTimeOffset expiresAt)
    {
        var parts = info.Split('|');
        if (parts.Length < 6) return null;
        return new Lease(keys.SiteKey, keys.PoolId, number, parts[0], parts[1], parts[2], string.Join('|', parts[3..^2]),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[^2], CultureInfo.InvariantCulture)), expiresAt,
            TimeSpan.FromMilliseconds(long.Parse(parts[^1], CultureInfo.InvariantCulture)));
    }
}
