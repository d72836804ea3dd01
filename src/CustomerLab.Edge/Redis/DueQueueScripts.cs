using CustomerLab.Edge.Assets;

namespace CustomerLab.Edge.Redis;

/// <summary>
/// The Lua scripts behind a due-time queue in Redis (the privacy follow-ups, the recording deletions at Twilio): each runs
/// atomically, so edges that poll the same queue never take the same member at once. KEYS[1] is the queue, a sorted set
/// of member → due time in Unix ms. Time is never read inside a script: the caller passes it from its <see cref="TimeProvider"/>.
/// </summary>
public static class DueQueueScripts
{
    /// <summary>See the header of <c>Redis/Lua/due-queue-claim.lua</c>.</summary>
    public static readonly string Claim = EmbeddedFile.Read("Redis/Lua/due-queue-claim.lua");

    /// <summary>See the header of <c>Redis/Lua/due-queue-release.lua</c>.</summary>
    public static readonly string Release = EmbeddedFile.Read("Redis/Lua/due-queue-release.lua");
}
