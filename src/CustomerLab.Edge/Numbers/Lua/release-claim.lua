-- Release one holder. KEYS[1]: the number's claim key. ARGV: site, kind, holder. The claim goes when its last
-- holder goes. Returns 1 released, 0 when that holder of that site and kind did not hold it (nothing changes).
if redis.call('HGET', KEYS[1], 'site') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'kind') ~= ARGV[2] then return 0 end
if redis.call('HDEL', KEYS[1], 'h:' .. ARGV[3]) == 0 then return 0 end
if redis.call('HLEN', KEYS[1]) <= 2 then redis.call('DEL', KEYS[1]) end
return 1
