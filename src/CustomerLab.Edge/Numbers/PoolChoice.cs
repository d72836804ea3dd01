using CustomerLab.Edge.Sites;
using CustomerLab.Edge.Traffic;

namespace CustomerLab.Edge.Numbers;

/// <summary>Which of a site's pools a visitor's <see cref="TrafficSource"/> draws from.</summary>
internal static class PoolChoice
{
    public static bool Matches(this TrafficSource source, SourceRule rule) =>
        (rule.PaidClickId && source.ClickIdName is not null) ||
        (source.UtmMedium is not null && rule.UtmMedium.Contains(source.UtmMedium, StringComparer.OrdinalIgnoreCase)) ||
        (source.UtmSource is not null && rule.UtmSource.Contains(source.UtmSource, StringComparer.OrdinalIgnoreCase)) ||
        (source.ReferrerHost is not null && rule.ReferrerHosts.Any(h => TrafficSource.HostMatches(source.ReferrerHost, h)));

    /// <summary>The first pool whose rule matches, else the first pool without a rule, else null.</summary>
    public static PoolConfig? ChoosePool(this TrafficSource source, IReadOnlyList<PoolConfig> pools) =>
        pools.FirstOrDefault(p => p.Match is not null && source.Matches(p.Match)) ?? pools.FirstOrDefault(p => p.Match is null);
}
