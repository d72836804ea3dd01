-- Ends a claim. ARGV: member, the claim's score, the new score (empty: remove the member). Does nothing when the
-- score is no longer the claim's: a new deletion of the same subject meanwhile scheduled its own follow-up, which
-- must stay. Returns 1 when the member was removed or rescheduled, else 0.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or math.abs(tonumber(score) - tonumber(ARGV[2])) >= 0.5 then
  return 0
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
