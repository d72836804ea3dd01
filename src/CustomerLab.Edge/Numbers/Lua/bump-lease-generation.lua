-- A site's lease generation moves forward. KEYS: the site's generation key. ARGV: now (ms).
-- The new value is now, or one past the old value when that is not behind it: after Redis lost the key (0 again),
-- the first bump still lands past every generation an edge or a cookie may remember.
local g = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = tonumber(ARGV[1])
if n <= g then n = g + 1 end
redis.call('SET', KEYS[1], string.format('%.0f', n))
return n
