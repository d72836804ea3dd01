-- Retire a number. KEYS: free, leases, retired, all. ARGV: number.
-- Returns 0 unknown, 1 removed now (it was free), 2 retiring (leased: it finishes its lease, then goes).
local n = ARGV[1]
if redis.call('SISMEMBER', KEYS[4], n) == 0 then return 0 end
if redis.call('ZSCORE', KEYS[2], n) then
  redis.call('SADD', KEYS[3], n)
  return 2
end
redis.call('ZREM', KEYS[1], n)
redis.call('SREM', KEYS[4], n)
return 1
