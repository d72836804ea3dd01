using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Numbers;

/// <summary>Limits of <c>POST /v1/number</c>.</summary>
public sealed class NumbersOptions
{
    public const string Section = "Numbers";

    /// <summary>
    /// Longest wait for Redis, in milliseconds, before answering with the default number. The default is 40 ms, so
    /// the endpoint answers within 50 ms when Redis is unreachable.
    /// </summary>
    [Range(1, 60_000)]
    public int RedisTimeoutMs { get; set; } = 40;

    /// <summary>
    /// Longest wait for an assignment, in milliseconds, while Redis keeps answering other requests (a healthy Redis
    /// under a burst): within it a visitor gets its number instead of a false fallback. A Redis that answers nothing at
    /// all still gets only <see cref="RedisTimeoutMs"/>. The default is 1,000 ms.
    /// </summary>
    [Range(1, 60_000)]
    public int RedisMaxWaitMs { get; set; } = 1000;

    /// <summary>
    /// Most assignments one edge has with Redis at once; the rest wait their turn (within the same bounds). A burst then
    /// reaches Redis as short pipelines, each answered well within <see cref="RedisTimeoutMs"/>, instead of one long one
    /// whose replies all come after it. The default is 16.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxAssignmentsInFlight { get; set; } = 16;

    /// <summary>
    /// Fewest new leases one client network (IPv4 /24, IPv6 /64) may start in a pool within one hold; the cap is the
    /// larger of this and <see cref="LeaseCapNetworkShare"/> of the pool. Renewals are never capped; a capped visitor
    /// gets the default number with reason <c>lease_cap</c> and is not counted as demand. 0 turns the network cap off.
    /// The default is 10: a carrier's NAT puts many real visitors behind one address, but rarely ten new visitors of
    /// one site within one hold (docs/security.md).
    /// </summary>
    [Range(0, 1_000_000)]
    public int LeaseCapPerNetwork { get; set; } = 10;

    /// <summary>Share of a pool's numbers one client network may start leases on within one hold, when that is more
    /// than <see cref="LeaseCapPerNetwork"/>. The default is 0.25.</summary>
    [Range(0.0, 1.0)]
    public double LeaseCapNetworkShare { get; set; } = 0.25;

    /// <summary>New leases one visitor (its cookie) may start in a pool within one hold, across its sessions. 0 turns
    /// the visitor cap off. The default is 3.</summary>
    [Range(0, 1_000_000)]
    public int LeaseCapPerVisitor { get; set; } = 3;

    /// <summary>
    /// Share of the hold within which a renewal is acknowledged from the session's signed lease cookie alone, without
    /// Redis: while the lease the cookie names has more than (1 − share) × hold to run and the site's lease generation
    /// is unchanged (<see cref="SignedRenewals"/>). A number then stays with its session at least (1 − share) × hold
    /// after the session's last request, and the full hold after its last request that reached Redis. 0 sends every
    /// renewal to Redis. The default is 0.25.
    /// </summary>
    [Range(0.0, 0.5)]
    public double SignedRenewalShare { get; set; } = 0.25;

    /// <summary>Largest accepted request body, in bytes. The default is 8 KiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = 8 * 1024;

    /// <summary>Longest accepted page or referrer URL, in characters. The default is 4,096.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUrlLength { get; set; } = 4096;
}

/// <summary>Source-generated start-up validator of <see cref="NumbersOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class NumbersOptionsValidator : IValidateOptions<NumbersOptions>;
