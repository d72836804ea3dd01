using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Recordings;

/// <summary>
/// Recordings to delete at Twilio: a Redis sorted set per ClickHouse database, <c>cl:twilio:recording-deletions:&lt;database&gt;</c>,
/// member <c>siteKey|accountSid|recordingSid</c> (no personal data), score the time it is next due in Unix ms. A privacy
/// deletion enqueues (the admin API and the CLI alike); <see cref="RecordingDeletionService"/> on every edge claims due
/// members atomically (<see cref="DueQueueScripts"/>, as the privacy follow-ups), sends the DELETE,
/// and removes the member only once Twilio confirmed it (or no longer has the recording); a failure puts it back later.
/// </summary>
public sealed class RecordingDeletionQueue(IConnectionMultiplexer redis, IOptions<ClickHouseOptions> clickHouse, TimeProvider time)
{
    /// <summary>How long a claim keeps a member from other edges: 5 minutes, far longer than one DELETE may take.</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(5);

    public RedisKey Key { get; } = "cl:twilio:recording-deletions:" + clickHouse.Value.Database;

    private static readonly RedisScript ClaimScript = new(DueQueueScripts.Claim);
    private static readonly RedisScript ReleaseScript = new(DueQueueScripts.Release);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Due at once; a recording already queued stays queued once.</summary>
    public Task EnqueueAsync(PendingRecordingDeletion deletion) =>
        Db.SortedSetAddAsync(Key, deletion.Member, time.GetUtcNow().ToUnixTimeMilliseconds(), SortedSetWhen.NotExists);

    /// <summary>Deletions waiting (due or not).</summary>
    public Task<long> CountAsync() => Db.SortedSetLengthAsync(Key);

    public async Task<IReadOnlyList<(PendingRecordingDeletion? Deletion, ClaimedDeletion Claim)>> ClaimDueAsync(int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var claimedUntil = now + (long)ClaimDuration.TotalMilliseconds;
        var result = (RedisResult[])(await ClaimScript.EvaluateAsync(Db, [Key], [now, claimedUntil, limit]))!;
        return [.. result.Select(r => (PendingRecordingDeletion.Parse((string)r!), new ClaimedDeletion((string)r!, claimedUntil)))];
    }

    public Task CompleteAsync(ClaimedDeletion claimed) =>
        ReleaseScript.EvaluateAsync(Db, [Key], [claimed.Member, claimed.ClaimedUntilMs, RedisValue.EmptyString]);

    public Task RescheduleAsync(ClaimedDeletion claimed, DateTimeOffset due) =>
        ReleaseScript.EvaluateAsync(Db, [Key], [claimed.Member, claimed.ClaimedUntilMs, due.ToUnixTimeMilliseconds()]);
}

/// <summary>One recording to delete at Twilio, and which site's credentials reach it.</summary>
public sealed record PendingRecordingDeletion(string SiteKey, string AccountSid, string RecordingSid)
{
    public string Member => $"{SiteKey}|{AccountSid}|{RecordingSid}";

    public static PendingRecordingDeletion? Parse(string member) =>
        member.Split('|') is [var site, var account, var sid] && sid.StartsWith("RE", StringComparison.Ordinal) && account.StartsWith("AC", StringComparison.Ordinal)
            ? new PendingRecordingDeletion(site, account, sid)
            : null;
}

/// <summary>A deletion this edge claimed, and the score that marks its claim (see <see cref="DueQueueScripts.Release"/>).</summary>
public sealed record ClaimedDeletion(string Member, long ClaimedUntilMs);
