-- End expired leases without assigning (used by stats and tests). KEYS: free, leases, holder, info, retired, all.
-- ARGV: now ms, limit. Returns the flat (number, info, expiryMs) list.
local out = {}
reclaim(tonumber(ARGV[1]), tonumber(ARGV[2]), out)
return out
