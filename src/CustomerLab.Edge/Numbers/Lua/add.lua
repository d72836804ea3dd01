-- Add numbers. KEYS: free, leases, retired, all. ARGV: numbers. A new number is free with score 0 (handed out
-- first); a retired number that is still leased is un-retired. Returns how many numbers were new.
local added = 0
for _, n in ipairs(ARGV) do
  if redis.call('SREM', KEYS[3], n) == 0 and redis.call('SADD', KEYS[4], n) == 1 then
    redis.call('ZADD', KEYS[1], 0, n)
    added = added + 1
  end
end
return added
