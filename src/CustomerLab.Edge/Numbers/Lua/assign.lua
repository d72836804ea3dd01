-- Assign or renew. KEYS: free, leases, holder, info, retired, all, exhausted, overflow, peak, session, visitor,
-- network starts, visitor starts.
-- ARGV: now ms, hold ms, session id, visitor id, new lease id, source, pool id, session ttl ms, visitor ttl ms, reclaim limit,
-- network cap minimum (-1: no network cap), network cap share of the pool, visitor cap (-1: none).
-- Returns {status, number, leaseId, startedMs, expiryMs, sticky, reclaimed…} where status is
-- 1 assigned, 2 renewed (same session, same number, expiry slid), 3 exhausted (no free number; the sixth field
-- is 1 when this call counted a new exhaustion, 0 for a session already waiting), 4 capped (the network or the visitor
-- already started its share of leases within the hold: not demand),
-- and reclaimed is a flat list of (number, info, expiryMs) for every lease this call ended.
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

-- Caps on new leases: sessions that started one from this network, or of this visitor, within the last hold. A
-- capped request is not demand: it changes nothing else.
local function at_cap(key, cap)
  if cap < 0 then return false end
  redis.call('ZREMRANGEBYSCORE', KEYS[key], '-inf', now)
  return redis.call('ZCARD', KEYS[key]) >= cap
end
local network_cap = tonumber(ARGV[11])
if network_cap >= 0 then
  network_cap = math.max(network_cap, math.ceil(redis.call('SCARD', KEYS[6]) * tonumber(ARGV[12])))
end
local visitor_cap = tonumber(ARGV[13])
if at_cap(12, network_cap) or at_cap(13, visitor_cap) then return result(4, '', '', 0, 0, 0) end

-- Sticky: a returning visitor gets its previous number when that number is free.
local number, sticky = nil, 0
local previous = redis.call('GET', KEYS[11])
if previous and redis.call('ZSCORE', KEYS[1], previous) then
  number, sticky = previous, 1
else
  local lru = redis.call('ZRANGE', KEYS[1], 0, 0)
  number = lru[1]
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
  for key, cap in pairs({[12] = network_cap, [13] = visitor_cap}) do
    if cap >= 0 then
      redis.call('ZADD', KEYS[key], expiry, session)
      redis.call('PEXPIRE', KEYS[key], hold)
    end
  end
end

-- Peak concurrent demand this hour, for the recommended pool size.
local demand = redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[8])
local hour = math.floor(now / 3600000)
if demand > tonumber(redis.call('HGET', KEYS[9], hour) or '0') then
  redis.call('HSET', KEYS[9], hour, demand)
end

if not number then return result(3, '', '', 0, 0, counted) end
return result(1, number, ARGV[5], now, expiry, sticky)
