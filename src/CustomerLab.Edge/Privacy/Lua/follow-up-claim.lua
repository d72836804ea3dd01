-- Claims up to ARGV[3] members due at ARGV[1] (now ms) or earlier: their score becomes ARGV[2] (the claim's end),
-- so no other edge sees them as due while this one works, and an edge that dies mid-way gives them back when the
-- claim ends. Returns the claimed members.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], member)
end
return due
