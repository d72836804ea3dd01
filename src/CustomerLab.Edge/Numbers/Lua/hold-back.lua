-- Hold numbers back after a detected loss of Redis: each free number (not leased, not retired) becomes leased to the
-- session id '~held' (no session cookie can carry it: session ids are hex) until ARGV[1] (ms), with no lease info, so no
-- new visitor gets a number whose lease may still be live in a visitor's browser; its holder gets it back by naming it
-- (assign.lua, "Resume"), and the hold ends like any lease (reclaim, which writes no history row without info).
-- A number not in the pool yet joins it held back, in the same step: a restore that added numbers first and held them
-- back after would let an assignment in between take one.
-- KEYS: free, leases, holder, info, retired, all. ARGV: until ms, numbers. Returns how many were held back.
local held = 0
for i = 2, #ARGV do
  local n = ARGV[i]
  if redis.call('SADD', KEYS[6], n) == 1 or redis.call('ZSCORE', KEYS[1], n) then
    redis.call('ZREM', KEYS[1], n)
    redis.call('ZADD', KEYS[2], ARGV[1], n)
    redis.call('HSET', KEYS[3], n, '~held')
    held = held + 1
  end
end
return held
