namespace CustomerLab.Edge.Privacy;

/// <summary>
/// The Lua scripts behind the follow-up queue (see <see cref="PrivacyFollowUpQueue"/>): each runs atomically, so edges
/// that poll the same queue never take the same member at once. KEYS[1] is the queue, a sorted set of member → due
/// time in Unix ms. Time is never read inside a script: the caller passes it from its <see cref="TimeProvider"/>.
/// </summary>
internal static class PrivacyFollowUpScripts
{
    /// <summary>The shared due-queue claim (<see cref="Redis.DueQueueScripts.Claim"/>).</summary>
    public static readonly string Claim = Redis.DueQueueScripts.Claim;

    /// <summary>The shared due-queue release (<see cref="Redis.DueQueueScripts.Release"/>).</summary>
    public static readonly string Release = Redis.DueQueueScripts.Release;
}
