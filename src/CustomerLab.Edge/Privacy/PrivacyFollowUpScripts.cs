using CustomerLab.Edge.Assets;
namespace CustomerLab.Edge.Privacy;

/// <summary>
/// The Lua scripts behind the follow-up queue (see <see cref="PrivacyFollowUpQueue"/>): each runs atomically, so edges
/// that poll the same queue never take the same member at once. KEYS[1] is the queue, a sorted set of member → due
/// time in Unix ms. Time is never read inside a script: the caller passes it from its <see cref="TimeProvider"/>.
/// </summary>
internal static class PrivacyFollowUpScripts
{
    /// <summary>See the header of <c>Privacy/Lua/follow-up-claim.lua</c>.</summary>
    public static readonly string Claim = EmbeddedFile.Read("Privacy/Lua/follow-up-claim.lua");

    /// <summary>See the header of <c>Privacy/Lua/follow-up-release.lua</c>.</summary>
    public static readonly string Release = EmbeddedFile.Read("Privacy/Lua/follow-up-release.lua");
}
