namespace CustomerLab.Edge.Numbers;

/// <summary>What happened when a session asked its pool for a number.</summary>
public enum LeaseStatus
{
    /// <summary>A free number was leased to the session.</summary>
    Assigned = 1,
    /// <summary>The session already held a number; its lease slid forward.</summary>
    Renewed = 2,
    /// <summary>No free number: the caller shows the overflow or default number. Counted.</summary>
    Exhausted = 3,
    /// <summary>The visitor's network or the visitor itself already started its share of leases within the hold
    /// (<see cref="LeaseCaps"/>): the caller shows the default number. Not demand, not an exhaustion.</summary>
    Capped = 4,
}

/// <summary>
/// Limits on new leases, so one client cannot drain a pool: leases started within the last hold from one network
/// (<paramref name="Network"/>, an IPv4 /24 or IPv6 /64; null: not limited) may number at most the larger of
/// <paramref name="NetworkMin"/> and <paramref name="NetworkShare"/> of the pool, and one visitor's at most
/// <paramref name="PerVisitor"/>. Renewals are never capped.
/// </summary>
public sealed record LeaseCaps(string? Network, int NetworkMin, double NetworkShare, int PerVisitor);

/// <summary>A lease of one tracking number to one session.</summary>
/// <param name="LeaseId">Unique id of this lease (a UUID string), stable from start to end.</param>
public sealed record Lease(
    string SiteKey, string PoolId, string Number, string LeaseId, string SessionId, string VisitorId, string Source,
    DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, TimeSpan Hold)
{
    /// <summary>The last activity: expiry minus the hold time.</summary>
    public DateTimeOffset LastActivityAt => ExpiresAt - Hold;
}

/// <summary>A lease that ended, with why: released, expired.</summary>
public sealed record EndedLease(Lease Lease, DateTimeOffset EndedAt, string Reason);

/// <summary>The answer of <see cref="NumberPool.AssignAsync"/>.</summary>
/// <param name="Lease">The lease (null when exhausted).</param>
/// <param name="Sticky">The visitor got back the number it had before.</param>
/// <param name="Ended">Leases this call found expired and ended (to record in the lease history).</param>
/// <param name="NewlyExhausted">Exhausted, and counted now (not a session already waiting without a number).</param>
public sealed record AssignResult(LeaseStatus Status, Lease? Lease, bool Sticky, IReadOnlyList<EndedLease> Ended, bool NewlyExhausted = false);

/// <summary>What a retire did.</summary>
public enum RetireOutcome
{
    /// <summary>The pool does not have that number.</summary>
    Unknown = 0,
    /// <summary>The number was free and is gone.</summary>
    Removed = 1,
    /// <summary>The number is leased: it finishes that lease, then goes; it is never handed out again.</summary>
    Retiring = 2,
}

/// <summary>A pool's state at one instant, read atomically enough for invariant checks and stats.</summary>
public sealed record PoolSnapshot(
    IReadOnlySet<string> All, IReadOnlyDictionary<string, double> Free, IReadOnlyDictionary<string, double> LeaseExpiry,
    IReadOnlyDictionary<string, string> Holders, IReadOnlySet<string> Retired);

/// <summary>Pool usage for operators sizing it.</summary>
/// <param name="Size">Numbers in the pool (retiring ones included until their lease ends).</param>
/// <param name="LeasedNow">Live leases.</param>
/// <param name="Free">Numbers ready to hand out.</param>
/// <param name="ExhaustedLastHour">Sessions that found no free number in the last 60 minutes.</param>
/// <param name="ExhaustedLastDay">… in the last 24 hours.</param>
/// <param name="PeakConcurrentDemand">Highest concurrent demand (leases plus sessions left without a number) in the last 24 hours.</param>
/// <param name="RecommendedSize">Peak demand plus 20% headroom, so a session rarely finds the pool empty, plus room for released numbers to rest through the calls' grace window (<see cref="PoolSizing"/>).</param>
public sealed record PoolStats(
    int Size, int LeasedNow, int Free, int Retiring, long ExhaustedLastHour, long ExhaustedLastDay,
    long PeakConcurrentDemand, int RecommendedSize, double Utilisation);
