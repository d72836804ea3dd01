-- Compare-and-set of a JSON document: KEYS[1] its key; ARGV[1] the value read before the change ('' when there was
-- none), ARGV[2] the new value, ARGV[3] (optional) its lifetime in seconds. Returns 1 when stored, 0 when another
-- edge changed it meanwhile (the caller reads again and retries).
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
if ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
return 1
