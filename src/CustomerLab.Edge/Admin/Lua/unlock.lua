-- Unlock only if still ours. KEYS[1]: the lock key. ARGV[1]: our token. Returns 1 when it was ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
