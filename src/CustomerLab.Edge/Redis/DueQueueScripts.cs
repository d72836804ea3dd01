namespace CustomerLab.Edge.Redis;

/// <summary>
/// The Lua scripts behind a due-time queue in Redis (the privacy follow-ups, the recording deletions at Twilio): each runs
/// atomically, so edges that poll the same queue never take the same member at once. KEYS[1] is the queue, a sorted set
/// of member → due time in Unix ms. Time is never read inside a script: the caller passes it from its <see cref="TimeProvider"/>.
/// </summary>
public static class DueQueueScripts
{
    /// <summary>
    /// Claims up to ARGV[3] members due at ARGV[1] (now ms) or earlier: their score becomes ARGV[2] (the claim's end),
    /// so no other edge sees them as due while this one works, and an edge that dies mid-way gives them back when the
    /// claim ends. Returns the claimed members.
    /// </summary>
    public const string Claim = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, member in ipairs(due) do
          redis.call('ZADD', KEYS[1], ARGV[2], member)
        end
        return due
        """;

    /// <summary>
    /// Ends a claim. ARGV: member, the claim's score, the new score (empty: remove the member). Does nothing when the
    /// score is no longer the claim's: a new deletion of the same subject meanwhile scheduled its own follow-up, which
    /// must stay. Returns 1 when the member was removed or rescheduled, else 0.
    /// </summary>
    public const string Release = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not score or math.abs(tonumber(score) - tonumber(ARGV[2])) >= 0.5 then
          return 0
        end
        if ARGV[3] == '' then
          redis.call('ZREM', KEYS[1], ARGV[1])
        else
          redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        end
        return 1
        """;
}
