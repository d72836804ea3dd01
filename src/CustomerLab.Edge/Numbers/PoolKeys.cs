using System.Text;
using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// The Redis keys of one pool, built once and cached. Every key of a site starts with <c>cl:{site}:</c>, so all
/// of them hash to one slot and the pool scripts run on Redis Cluster.
/// </summary>
internal sealed class PoolKeys
{
    public PoolKeys(string siteKey, string poolId)
    {
        SiteKey = siteKey;
        PoolId = poolId;
        SitePrefix = Encoding.UTF8.GetBytes($"cl:{{{siteKey}}}:");
        RedisKey pool = SitePrefix.Append($"p:{poolId}:");
        Free = pool.Append("free");
        Leases = pool.Append("leases");
        Holder = pool.Append("holder");
        Info = pool.Append("info");
        Retired = pool.Append("retired");
        All = pool.Append("all");
        Exhausted = pool.Append("exhausted");
        Overflow = pool.Append("overflow");
        Peak = pool.Append("peak");
        // Cached to avoid an array per call for the scripts whose keys do not depend on the visitor.
        AdminKeys = [Free, Leases, Retired, All];
        ReclaimKeys = [Free, Leases, Holder, Info, Retired, All];
    }

    public string SiteKey { get; }
    public string PoolId { get; }
    public RedisKey SitePrefix { get; }
    public RedisKey Free { get; }
    public RedisKey Leases { get; }
    public RedisKey Holder { get; }
    public RedisKey Info { get; }
    public RedisKey Retired { get; }
    public RedisKey All { get; }
    public RedisKey Exhausted { get; }
    public RedisKey Overflow { get; }
    public RedisKey Peak { get; }
    public RedisKey[] AdminKeys { get; }
    public RedisKey[] ReclaimKeys { get; }

    /// <summary>The session's pool → number map.</summary>
    public RedisKey Session(string sessionId) => SitePrefix.Append("s:").Append(sessionId);

    /// <summary>The visitor's last number, for stickiness.</summary>
    public RedisKey Visitor(string visitorId) => SitePrefix.Append("v:").Append(visitorId);

    /// <summary>Sessions that started a lease from one network within the hold (the lease cap per network).</summary>
    public RedisKey NetworkStarts(string? network) => SitePrefix.Append($"p:{PoolId}:net:").Append(network ?? "-");

    /// <summary>Sessions of one visitor that started a lease within the hold (the lease cap per visitor).</summary>
    public RedisKey VisitorStarts(string visitorId) => SitePrefix.Append($"p:{PoolId}:vis:").Append(visitorId);

    public RedisKey[] AssignKeys(string sessionId, string visitorId, string? network) =>
        [Free, Leases, Holder, Info, Retired, All, Exhausted, Overflow, Peak, Session(sessionId), Visitor(visitorId),
         NetworkStarts(network), VisitorStarts(visitorId)];
}
