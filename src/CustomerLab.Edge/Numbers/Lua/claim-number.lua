-- Claim. KEYS[1]: the number's claim key. ARGV: site, kind, holder.
-- Returns {1} claimed now, {2} this holder already held it, or {0, site, kind, holder…} when it belongs to
-- another site, another kind, or (kind pool) another pool.
local site = redis.call('HGET', KEYS[1], 'site')
local field = 'h:' .. ARGV[3]
if not site then
  redis.call('HSET', KEYS[1], 'site', ARGV[1], 'kind', ARGV[2], field, '1')
  return {1}
end
local kind = redis.call('HGET', KEYS[1], 'kind')
if site == ARGV[1] and kind == ARGV[2] then
  if redis.call('HEXISTS', KEYS[1], field) == 1 then return {2} end
  if kind ~= 'pool' then
    redis.call('HSET', KEYS[1], field, '1')
    return {1}
  end
end
local out = {0, site, kind}
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, 2) == 'h:' then out[#out + 1] = string.sub(f, 3) end
end
return out
