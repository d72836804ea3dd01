using System.Web;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Numbers;

/// <summary>Where a visitor came from, read from the landing page URL and the referrer.</summary>
public sealed record TrafficSource(string? UtmSource, string? UtmMedium, string? UtmCampaign, string? ClickIdName, string? ReferrerHost)
{
    /// <summary>Ad click ids, in the order they are looked for.</summary>
    public static readonly string[] ClickIds = ["gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id"];

    /// <summary>Longest label kept, in characters.</summary>
    private const int MaxLabelLength = 64;

    public static TrafficSource From(Uri page, Uri? referrer)
    {
        var query = HttpUtility.ParseQueryString(page.Query);
        string? clickId = null;
        foreach (var name in ClickIds)
            if (!string.IsNullOrEmpty(query[name])) { clickId = name; break; }
        var referrerHost = referrer is not null && !string.Equals(referrer.Host, page.Host, StringComparison.OrdinalIgnoreCase)
            ? referrer.Host.ToLowerInvariant() : null;
        return new TrafficSource(NullIfEmpty(query["utm_source"]), NullIfEmpty(query["utm_medium"]), NullIfEmpty(query["utm_campaign"]), clickId, referrerHost);
    }

    /// <summary>
    /// A short label for the lease history: <c>utm_source/utm_medium</c>, else <c>click:gclid</c>, else the referrer
    /// host, else <c>direct</c>. Only letters, digits and <c>._:/-</c> are kept.
    /// </summary>
    public string Label()
    {
        var label = UtmSource is not null || UtmMedium is not null ? $"{UtmSource}/{UtmMedium}"
            : ClickIdName is not null ? "click:" + ClickIdName
            : ReferrerHost ?? "direct";
        var clean = new string(label.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '/' or '-').Take(MaxLabelLength).ToArray());
        return clean.Length == 0 ? "direct" : clean.ToLowerInvariant();
    }

    public bool Matches(SourceRule rule) =>
        (rule.PaidClickId && ClickIdName is not null) ||
        (UtmMedium is not null && rule.UtmMedium.Contains(UtmMedium, StringComparer.OrdinalIgnoreCase)) ||
        (UtmSource is not null && rule.UtmSource.Contains(UtmSource, StringComparer.OrdinalIgnoreCase)) ||
        (ReferrerHost is not null && rule.ReferrerHosts.Any(h => HostMatches(ReferrerHost, h)));

    /// <summary>The first pool whose rule matches, else the first pool without a rule, else null.</summary>
    public PoolConfig? ChoosePool(IReadOnlyList<PoolConfig> pools) =>
        pools.FirstOrDefault(p => p.Match is not null && Matches(p.Match)) ?? pools.FirstOrDefault(p => p.Match is null);

    /// <summary>True when <paramref name="host"/> is <paramref name="domain"/> or one of its subdomains.</summary>
    public static bool HostMatches(string host, string domain) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase) ||
        (host.Length > domain.Length && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host[^(domain.Length + 1)] == '.');

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
