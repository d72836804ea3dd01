namespace CustomerLab.Edge.Numbers;

/// <summary>
/// How big a pool should be. A call to a number within the grace window after its lease ended still counts for the
/// session that held it (<c>Calls:GraceMinutes</c>); a number handed out again inside that window therefore makes its
/// new holder's calls ambiguous. Numbers are reused least recently released first, so they rest through the grace when
/// the pool keeps as many numbers free as are released in one grace window.
/// </summary>
/// <param name="Grace">The calls' grace window (zero: calls count only inside a lease).</param>
public sealed record PoolSizing(TimeSpan Grace)
{
    /// <summary>
    /// Peak concurrent demand plus 20% headroom, so a session rarely finds the pool empty, plus the numbers released in
    /// one grace window at that peak. By Little's law about peak ÷ lease length leases end a minute, and a lease lasts at
    /// least a hold, so at most peak × grace ÷ hold numbers are released in a grace window.
    /// </summary>
    public int RecommendedSize(long peakDemand, TimeSpan hold) =>
        (int)Math.Max(1, Math.Ceiling(peakDemand * 1.2 + (hold > TimeSpan.Zero ? peakDemand * (Grace / hold) : 0)));

    /// <summary>Sizing with no grace window (a pool read without the calls module, as in the pool's own tests).</summary>
    public static readonly PoolSizing WithoutGrace = new(TimeSpan.Zero);
}
