using System.Web;

namespace CustomerLab.Edge.Traffic;

/// <summary>
/// Where a visitor came from, as the landing page URL and the referrer say it (utm parameters, the ad click id, the
/// outside referrer host): what number pools are chosen by (<c>Numbers/PoolChoice.cs</c>) and what
/// <see cref="ReferrerClassifier"/> turns into a <see cref="TrafficChannel"/>.
/// </summary>
public sealed record TrafficSource(string? UtmSource, string? UtmMedium, string? UtmCampaign, string? ClickIdName, string? ReferrerHost)
{
    /// <summary>Ad click ids, in the order they are looked for.</summary>
    public static readonly string[] ClickIds = ["gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id"];

    /// <summary>The ad network each click id comes from (the source of a paid visit without utm_source).</summary>
    public static readonly IReadOnlyDictionary<string, string> ClickIdSources = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gclid"] = "google", ["gbraid"] = "google", ["wbraid"] = "google", ["msclkid"] = "bing",
        ["fbclid"] = "facebook", ["ttclid"] = "tiktok", ["li_fat_id"] = "linkedin",
    };

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

    /// <summary>True when <paramref name="host"/> is <paramref name="domain"/> or one of its subdomains.</summary>
    public static bool HostMatches(string host, string domain) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase) ||
        (host.Length > domain.Length && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host[^(domain.Length + 1)] == '.');

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
