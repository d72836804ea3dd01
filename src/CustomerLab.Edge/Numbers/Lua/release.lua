-- Release a session's lease early. KEYS: free, leases, holder, info, retired, all, session.
-- ARGV: number, session id, now ms, pool id. Returns {info, expiryMs} of the lease, or false when the session
-- does not hold it.
local n, session, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', KEYS[3], n) ~= session then return false end
local info = redis.call('HGET', KEYS[4], n)
local expiry = redis.call('ZSCORE', KEYS[2], n)
end_lease(n, now)
if redis.call('HGET', KEYS[7], ARGV[4]) == n then redis.call('HDEL', KEYS[7], ARGV[4]) end
return {info, expiry}
