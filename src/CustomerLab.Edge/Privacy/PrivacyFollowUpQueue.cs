using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Privacy;

/// <summary>
/// Deletions waiting for their follow-up pass: one Redis sorted set per ClickHouse database,
/// <c>cl:privacy:followup:&lt;database&gt;</c>, member <c>visitor:&lt;id&gt;</c> or <c>phone:&lt;+E.164&gt;</c>, score the due
/// time in Unix ms. The subject's id is held there only until its follow-up has run.
/// <para>
/// Per database, because the follow-up must delete from the database the deletion ran against: an edge on the same
/// Redis writing to another database (a staging edge, the tests' edges) must not take it.
/// </para>
/// <para>
/// The queue is a promise to consumers, so each change is also written to the durable record
/// (<c>{secrets}.privacy_followups</c>) before it counts, and Redis is rebuilt from there after a loss
/// (<see cref="FollowUpRecordedState"/>).
/// </para>
/// </summary>
public sealed class PrivacyFollowUpQueue(IConnectionMultiplexer redis, IOptions<PrivacyOptions> options, IOptions<ClickHouseOptions> clickHouse,
    TimeProvider time, ConfigRecord record)
{
    /// <summary>The <c>requested_by</c> of a follow-up's audit row (its action stays <c>delete</c>).</summary>
    public const string RequestedBy = "follow-up";

    /// <summary>
    /// How long a claim keeps a member from other edges: 10 minutes, far longer than one deletion takes. An edge that
    /// stops mid-way loses nothing: the member is due again when the claim ends.
    /// </summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(10);

    /// <summary>The queue's Redis key.</summary>
    public RedisKey Key { get; } = "cl:privacy:followup:" + clickHouse.Value.Database;

    private static readonly RedisScript ClaimScript = new(PrivacyFollowUpScripts.Claim);
    private static readonly RedisScript ReleaseScript = new(PrivacyFollowUpScripts.Release);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Schedules the follow-up of a deletion that just completed, <see cref="PrivacyOptions.FollowUpDelaySeconds"/> from
    /// now; a pending follow-up of the same subject moves to the new time (it then covers both). Returns the due time.
    /// </summary>
    public async Task<DateTimeOffset> EnqueueAsync(PrivacySubject subject)
    {
        var due = time.GetUtcNow().AddSeconds(options.Value.FollowUpDelaySeconds);
        await record.WriteFollowUpAsync(Member(subject), due.ToUnixTimeMilliseconds());
        await Db.SortedSetAddAsync(Key, Member(subject), due.ToUnixTimeMilliseconds());
        return due;
    }

    /// <summary>Takes up to <paramref name="limit"/> due members for this edge (atomically: each goes to one edge).</summary>
    public async Task<IReadOnlyList<ClaimedFollowUp>> ClaimDueAsync(int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var claimedUntil = now + (long)ClaimDuration.TotalMilliseconds;
        var result = (RedisResult[])(await ClaimScript.EvaluateAsync(Db, [Key], [now, claimedUntil, limit]))!;
        return [.. result.Select(r => new ClaimedFollowUp((string)r!, claimedUntil))];
    }

    /// <summary>The follow-up ran: removes the member (unless a newer deletion rescheduled it meanwhile).</summary>
    public async Task CompleteAsync(ClaimedFollowUp claimed)
    {
        if ((int)await ReleaseScript.EvaluateAsync(Db, [Key], [claimed.Member, claimed.ClaimedUntilMs, RedisValue.EmptyString]) == 1)
            await record.ForgetFollowUpAsync(claimed.Member);
    }

    /// <summary>Puts back every follow-up the record holds and the queue lacks (after Redis lost it); returns how many.</summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        var restored = 0;
        foreach (var pending in await record.ReadFollowUpsAsync(cancellationToken))
            if (await Db.SortedSetAddAsync(Key, pending.Member, pending.DueMs, SortedSetWhen.NotExists)) restored++;
        return restored;
    }

    /// <summary>The follow-up failed or was interrupted: it is due again at <paramref name="due"/>.</summary>
    public Task RescheduleAsync(ClaimedFollowUp claimed, DateTimeOffset due) =>
        ReleaseScript.EvaluateAsync(Db, [Key], [claimed.Member, claimed.ClaimedUntilMs, due.ToUnixTimeMilliseconds()]);

    /// <summary>The queue member of a subject: <c>visitor:ID</c> or <c>phone:+E164</c>.</summary>
    public static string Member(PrivacySubject subject) => subject.TypeName + ":" + subject.Value;

    /// <summary>The subject of a queue member, validated again (the queue is outside the edge); null when malformed.</summary>
    public static PrivacySubject? Parse(string member)
    {
        var colon = member.IndexOf(':');
        if (colon < 0) return null;
        var value = member[(colon + 1)..];
        return member[..colon] switch
        {
            "visitor" => PrivacySubject.TryCreate(value, null, "", out _, out _),
            // E.164 only ("+…"): the member was written in that form.
            "phone" when value.StartsWith('+') => PrivacySubject.TryCreate(null, value, "", out _, out _),
            _ => null,
        };
    }
}

/// <summary>A member this edge claimed, and the score that marks its claim (see <see cref="PrivacyFollowUpScripts.Release"/>).</summary>
public sealed record ClaimedFollowUp(string Member, long ClaimedUntilMs);
