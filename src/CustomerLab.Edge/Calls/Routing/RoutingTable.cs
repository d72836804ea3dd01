using System.Collections.Frozen;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Calls.Routing;

/// <summary>
/// Every routable number of every site → its <see cref="CallRoute"/>: pools' tracking numbers (also retired ones, so a
/// late call still reaches the business), pools' overflow numbers and sites' default numbers. Immutable; a refresh
/// builds a new one.
/// </summary>
public sealed class RoutingTable
{
    private readonly FrozenDictionary<string, CallRoute> _routes;

    public RoutingTable(IEnumerable<CallRoute> routes, DateTimeOffset builtAt)
    {
        _routes = routes.ToFrozenDictionary(r => r.Number, StringComparer.Ordinal);
        BuiltAt = builtAt;
    }

    public static readonly RoutingTable Empty = new([], DateTimeOffset.MinValue);

    /// <summary>When the sites and numbers behind it were read from Redis.</summary>
    public DateTimeOffset BuiltAt { get; }

    public int Count => _routes.Count;

    public IEnumerable<CallRoute> Routes => _routes.Values;

    /// <summary>The route of an E.164 number, or null when it is not a number of any site.</summary>
    public CallRoute? Find(string number) => _routes.GetValueOrDefault(number);

    /// <summary>
    /// The table of <paramref name="sites"/> and the number index. A number that is a tracking number wins over the
    /// same number as an overflow or default number; a default number that is the forward-to number itself (the
    /// business's own line, not a number that rings this service) gets no route.
    /// </summary>
    public static RoutingTable Build(IReadOnlyCollection<SiteConfig> sites, IEnumerable<(string Number, NumberOwner Owner)> index, DateTimeOffset builtAt)
    {
        var bySite = sites.ToDictionary(s => s.SiteKey, StringComparer.Ordinal);
        var routes = new Dictionary<string, CallRoute>(StringComparer.Ordinal);
        void Add(CallRoute route)
        {
            if (routes.TryGetValue(route.Number, out var existing) && Rank(existing.Kind) <= Rank(route.Kind)) return;
            routes[route.Number] = route;
        }
        foreach (var (number, owner) in index)
        {
            if (!bySite.TryGetValue(owner.SiteKey, out var site)) continue;
            Add(new CallRoute(number, owner.IsOverflow ? CallRoute.Overflow : CallRoute.Tracking, site.SiteKey, owner.PoolId,
                ForwardToOf(site, owner.PoolId), site.Calls) { ForwardSip = ForwardSipOf(site, owner.PoolId), Recording = RecordingOf(site, owner.PoolId) });
        }
        foreach (var site in sites)
        {
            foreach (var pool in site.Pools)
                if (pool.OverflowNumber is { } overflow)
                    Add(new CallRoute(overflow, CallRoute.Overflow, site.SiteKey, pool.Id, ForwardToOf(site, pool.Id), site.Calls) { ForwardSip = ForwardSipOf(site, pool.Id), Recording = RecordingOf(site, pool.Id) });
            if (site.DefaultNumber != site.ForwardTo)
                Add(new CallRoute(site.DefaultNumber, CallRoute.Default, site.SiteKey, "", site.ForwardTo, site.Calls) { ForwardSip = site.ForwardSip });
        }
        return new RoutingTable(routes.Values, builtAt);
    }

    /// <summary>The pool's forward-to number, else the site's.</summary>
    public static string? ForwardToOf(SiteConfig site, string poolId) =>
        site.Pools.FirstOrDefault(p => p.Id == poolId)?.ForwardTo ?? site.ForwardTo;

    /// <summary>The pool's SIP destination, else the site's.</summary>
    public static string? ForwardSipOf(SiteConfig site, string poolId) =>
        site.Pools.FirstOrDefault(p => p.Id == poolId)?.ForwardSip ?? site.ForwardSip;

    /// <summary>The pool's recording settings, else the site's.</summary>
    public static SiteRecordingSettings RecordingOf(SiteConfig site, string poolId) =>
        site.Pools.FirstOrDefault(p => p.Id == poolId)?.Recording ?? site.Calls.Recording;

    private static int Rank(string kind) => kind switch { CallRoute.Tracking => 0, CallRoute.Overflow => 1, _ => 2 };
}
