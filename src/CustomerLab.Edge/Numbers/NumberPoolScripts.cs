using CustomerLab.Edge.Assets;
namespace CustomerLab.Edge.Numbers;

/// <summary>
/// The Lua scripts behind every pool mutation: each runs atomically in one round trip, and every key it
/// touches is in KEYS and shares the site's hash tag (<c>cl:{site}:…</c>), so they run on Redis Cluster.
/// Time is never read inside a script: the caller passes "now" from its <see cref="TimeProvider"/>.
///
/// Keys of one pool (see <see cref="PoolKeys"/>):
///   free      ZSET number → released-at ms (lowest first: least recently released; 0 = never used)
///   leases    ZSET number → lease expiry ms (live leases; expired ones wait for the next reclaim)
///   holder    HASH number → session id
///   info      HASH number → "leaseId|session|visitor|source|startedMs|holdMs" (source may contain '|': parsed from both ends)
///   retired   SET  numbers retired while leased (removed when that lease ends)
///   all       SET  every number of the pool (free ∪ leased; the invariant the tests check)
///   exhausted HASH minute (ms/60000) → sessions that found the pool exhausted
///   overflow  ZSET session → expiry ms, sessions that were given the overflow number (unmet demand)
///   peak      HASH hour (ms/3600000) → peak concurrent demand (leases + overflow sessions)
/// Per visitor and session (same hash tag):
///   session   HASH pool → number; lives a day past the hold, since only holder[number] == session makes it count
///   visitor   STRING last number, for stickiness
/// </summary>
internal static class NumberPoolScripts
{
    /// <summary>See the header of <c>Numbers/Lua/end-lease-functions.lua</c>.</summary>
    private static readonly string EndLeaseFunctions = EmbeddedFile.Read("Numbers/Lua/end-lease-functions.lua");

    /// <summary>See the header of <c>Numbers/Lua/assign.lua</c>.</summary>
    public static readonly string Assign = EndLeaseFunctions + EmbeddedFile.Read("Numbers/Lua/assign.lua");

    /// <summary>See the header of <c>Numbers/Lua/release.lua</c>.</summary>
    public static readonly string Release = EndLeaseFunctions + EmbeddedFile.Read("Numbers/Lua/release.lua");

    /// <summary>See the header of <c>Numbers/Lua/reclaim.lua</c>.</summary>
    public static readonly string Reclaim = EndLeaseFunctions + EmbeddedFile.Read("Numbers/Lua/reclaim.lua");

    /// <summary>See the header of <c>Numbers/Lua/add.lua</c>.</summary>
    public static readonly string Add = EmbeddedFile.Read("Numbers/Lua/add.lua");

    /// <summary>See the header of <c>Numbers/Lua/retire.lua</c>.</summary>
    public static readonly string Retire = EmbeddedFile.Read("Numbers/Lua/retire.lua");
}
