namespace CustomerLab.Edge.Numbers;

/// <summary>
/// The Lua scripts behind every pool mutation: each runs atomically in one round trip, and every key it
/// touches is in KEYS and shares the site's hash tag (<c>cl:{site}:…</c>), so they run on Redis Cluster.
/// Time is never read inside a script: the caller passes "now" from its <see cref="TimeProvider"/>.
///
/// Keys of one pool (see <see cref="PoolKeys"/>):
///   free      ZSET number → released-at ms (lowest first: least recently released; 0 = never used)
///   leases    ZSET number → lease expiry ms (live leases; expired ones wait for the next reclaim)
///   holder    HASH number → session id
///   info      HASH number → "leaseId|session|visitor|source|startedMs|holdMs" (source may contain '|': parsed from both ends)
///   retired   SET  numbers retired while leased (removed when that lease ends)
///   all       SET  every number of the pool (free ∪ leased; the invariant the tests check)
///   exhausted HASH minute (ms/60000) → sessions that found the pool exhausted
///   overflow  ZSET session → expiry ms, sessions that were given the overflow number (unmet demand)
///   peak      HASH hour (ms/3600000) → peak concurrent demand (leases + overflow sessions)
/// Per visitor and session (same hash tag):
///   session   HASH pool → number; lives a day past the hold, since only holder[number] == session makes it count
///   visitor   STRING last number, for stickiness
/// </summary>
internal static class NumberPoolScripts
{
    /// <summary>
    /// Shared by every script that ends leases (KEYS 1-6 as above): <c>end_lease</c> takes the number out of the live
    /// maps and frees it, released at <c>free_score</c> (or drops it from the pool when it was retired); <c>reclaim</c>
    /// ends expired leases (at most <c>limit</c>) and appends (number, info, expiryMs) to <c>out</c>.
    /// </summary>
    private const string EndLeaseFunctions = """
        local function end_lease(n, free_score)
          redis.call('ZREM', KEYS[2], n)
          redis.call('HDEL', KEYS[3], n)
          redis.call('HDEL', KEYS[4], n)
          if redis.call('SREM', KEYS[5], n) == 1 then
            redis.call('SREM', KEYS[6], n)
          else
            redis.call('ZADD', KEYS[1], free_score, n)
          end
        end

        local function reclaim(now, limit, out)
          local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
          for _, n in ipairs(expired) do
            local expiry = redis.call('ZSCORE', KEYS[2], n)
            local info = redis.call('HGET', KEYS[4], n) or ''
            end_lease(n, expiry)
            out[#out + 1] = n
            out[#out + 1] = info
            out[#out + 1] = expiry
          end
        end
        """;

    /// <summary>
    /// Assign or renew. KEYS: free, leases, holder, info, retired, all, exhausted, overflow, peak, session, visitor.
    /// ARGV: now ms, hold ms, session id, visitor id, new lease id, source, pool id, session ttl ms, visitor ttl ms, reclaim limit,
    /// the number the session's lease cookie names ('' none).
    /// Returns {status, number, leaseId, startedMs, expiryMs, sticky, reclaimed…} where status is
    /// 1 assigned, 2 renewed (same session, same number, expiry slid), 3 exhausted (no free number; the sixth field
    /// is 1 when this call counted a new exhaustion, 0 for a session already waiting),
    /// and reclaimed is a flat list of (number, info, expiryMs) for every lease this call ended.
    /// </summary>
    public const string Assign = EndLeaseFunctions + """

        local now = tonumber(ARGV[1])
        local hold = tonumber(ARGV[2])
        local session, visitor, pool = ARGV[3], ARGV[4], ARGV[7]
        local expiry = now + hold
        local reclaimed = {}
        reclaim(now, tonumber(ARGV[10]), reclaimed)

        local function result(status, number, leaseId, started, exp, sticky)
          local r = {status, number, leaseId, started, exp, sticky}
          for i = 1, #reclaimed do r[#r + 1] = reclaimed[i] end
          return r
        end

        local function touch_session(number)
          redis.call('HSET', KEYS[10], pool, number)
          redis.call('PEXPIRE', KEYS[10], ARGV[8])
        end

        -- Heartbeat: the session still holds its number, so the lease slides. The most frequent call of all, so it
        -- writes only what changes (the expiry and the session key's TTL; the info only when the hold changed).
        local held = redis.call('HGET', KEYS[10], pool)
        if held and redis.call('HGET', KEYS[3], held) == session then
          local info = redis.call('HGET', KEYS[4], held)
          local head, started, held_for = string.match(info, '^(.*)|([^|]*)|([^|]*)$')
          local leaseId = string.match(info, '^([^|]*)|')
          redis.call('ZADD', KEYS[2], expiry, held)
          if held_for ~= tostring(hold) then
            redis.call('HSET', KEYS[4], held, table.concat({head, started, hold}, '|'))
          end
          redis.call('PEXPIRE', KEYS[10], ARGV[8])
          return result(2, held, leaseId, tonumber(started), expiry, 0)
        end

        local number, sticky = nil, 0
        -- Resume: Redis lost this session's lease (flushed, restarted, failed over) but the session's signed lease cookie
        -- names the number and the lease has not run out: it gets that number back when the number was held back after
        -- the loss (holder '~held') or is free. Never a number another session holds, never a retired one.
        local resume = ARGV[11]
        if resume ~= '' and redis.call('SISMEMBER', KEYS[6], resume) == 1 and redis.call('SISMEMBER', KEYS[5], resume) == 0 then
          if redis.call('HGET', KEYS[3], resume) == '~held' then
            redis.call('ZREM', KEYS[2], resume)
            redis.call('HDEL', KEYS[3], resume)
            number, sticky = resume, 1
          elseif redis.call('ZSCORE', KEYS[1], resume) then
            number, sticky = resume, 1
          end
        end
        -- Sticky: a returning visitor gets its previous number when that number is free.
        if not number then
          local previous = redis.call('GET', KEYS[11])
          if previous and redis.call('ZSCORE', KEYS[1], previous) then
            number, sticky = previous, 1
          else
            local lru = redis.call('ZRANGE', KEYS[1], 0, 0)
            number = lru[1]
          end
        end

        redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', now)
        local counted = 0
        if not number then
          -- Exhausted: never silent. Remember the session as unmet demand, and count each such session once
          -- per stay in the overflow set (its heartbeats while exhausted are not new exhaustion events).
          if redis.call('ZADD', KEYS[8], expiry, session) == 1 then
            redis.call('HINCRBY', KEYS[7], math.floor(now / 60000), 1)
            counted = 1
          end
        else
          redis.call('ZREM', KEYS[1], number)
          redis.call('ZREM', KEYS[8], session)
          redis.call('HSET', KEYS[3], number, session)
          redis.call('HSET', KEYS[4], number, table.concat({ARGV[5], session, visitor, ARGV[6], now, hold}, '|'))
          redis.call('ZADD', KEYS[2], expiry, number)
          touch_session(number)
          redis.call('SET', KEYS[11], number, 'PX', ARGV[9])
        end

        -- Peak concurrent demand this hour, for the recommended pool size.
        local demand = redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[8])
        local hour = math.floor(now / 3600000)
        if demand > tonumber(redis.call('HGET', KEYS[9], hour) or '0') then
          redis.call('HSET', KEYS[9], hour, demand)
        end

        if not number then return result(3, '', '', 0, 0, counted) end
        return result(1, number, ARGV[5], now, expiry, sticky)
        """;

    /// <summary>
    /// Release a session's lease early. KEYS: free, leases, holder, info, retired, all, session.
    /// ARGV: number, session id, now ms, pool id. Returns {info, expiryMs} of the lease, or false when the session
    /// does not hold it.
    /// </summary>
    public const string Release = EndLeaseFunctions + """

        local n, session, now = ARGV[1], ARGV[2], ARGV[3]
        if redis.call('HGET', KEYS[3], n) ~= session then return false end
        local info = redis.call('HGET', KEYS[4], n)
        local expiry = redis.call('ZSCORE', KEYS[2], n)
        end_lease(n, now)
        if redis.call('HGET', KEYS[7], ARGV[4]) == n then redis.call('HDEL', KEYS[7], ARGV[4]) end
        return {info, expiry}
        """;

    /// <summary>
    /// End expired leases without assigning (used by stats and tests). KEYS: free, leases, holder, info, retired, all.
    /// ARGV: now ms, limit. Returns the flat (number, info, expiryMs) list.
    /// </summary>
    public const string Reclaim = EndLeaseFunctions + """

        local out = {}
        reclaim(tonumber(ARGV[1]), tonumber(ARGV[2]), out)
        return out
        """;

    /// <summary>
    /// Add numbers. KEYS: free, leases, retired, all. ARGV: numbers. A new number is free with score 0 (handed out
    /// first); a retired number that is still leased is un-retired. Returns how many numbers were new.
    /// </summary>
    public const string Add = """
        local added = 0
        for _, n in ipairs(ARGV) do
          if redis.call('SREM', KEYS[3], n) == 0 and redis.call('SADD', KEYS[4], n) == 1 then
            redis.call('ZADD', KEYS[1], 0, n)
            added = added + 1
          end
        end
        return added
        """;

    /// <summary>
    /// Retire a number. KEYS: free, leases, retired, all. ARGV: number.
    /// Returns 0 unknown, 1 removed now (it was free), 2 retiring (leased: it finishes its lease, then goes).
    /// </summary>
    public const string Retire = """
        local n = ARGV[1]
        if redis.call('SISMEMBER', KEYS[4], n) == 0 then return 0 end
        if redis.call('ZSCORE', KEYS[2], n) then
          redis.call('SADD', KEYS[3], n)
          return 2
        end
        redis.call('ZREM', KEYS[1], n)
        redis.call('SREM', KEYS[4], n)
        return 1
        """;

    /// <summary>
    /// The session id that holds a number back after Redis lost its leases (see <see cref="HoldBack"/>): no session
    /// cookie can carry it (session ids are hex), so only the expiry or the number's own holder resuming ends it.
    /// </summary>
    public const string HeldBackHolder = "~held";

    /// <summary>
    /// Hold numbers back after a detected loss of Redis: each free number (not leased, not retired) becomes leased to
    /// <see cref="HeldBackHolder"/> until ARGV[1] (ms), with no lease info, so no new visitor gets a number whose
    /// lease may still be live in a visitor's browser. KEYS: free, leases, holder, info, retired, all.
    /// ARGV: until ms, numbers. Returns how many were held back.
    /// </summary>
    public const string HoldBack = """
        local held = 0
        for i = 2, #ARGV do
          local n = ARGV[i]
          if redis.call('SISMEMBER', KEYS[6], n) == 1 and redis.call('ZSCORE', KEYS[1], n) then
            redis.call('ZREM', KEYS[1], n)
            redis.call('ZADD', KEYS[2], ARGV[1], n)
            redis.call('HSET', KEYS[3], n, '~held')
            held = held + 1
          end
        end
        return held
        """;
}
