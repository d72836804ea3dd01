-- Shared by every script that ends leases (KEYS 1-6 as above): end_lease takes the number out of the live
-- maps and frees it, released at free_score (or drops it from the pool when it was retired); reclaim
-- ends expired leases (at most limit) and appends (number, info, expiryMs) to out.
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
