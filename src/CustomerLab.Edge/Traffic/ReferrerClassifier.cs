using YamlDotNet.RepresentationModel;

namespace CustomerLab.Edge.Traffic;

/// <summary>
/// Classifies a pageview's origin from Snowplow's referrer list (<c>referers.yml</c> in npm <c>referer-parser</c>:
/// search, social, email and known-but-unknown-medium hosts), the page's utm parameters and ad click ids.
/// Channels: <c>paid</c> (a click id, or utm_medium cpc/ppc/paid…), <c>email</c>, <c>social</c>, <c>search</c>,
/// <c>campaign</c> (other utm), <c>referral</c>, <c>internal</c> (same host) and <c>direct</c> (no referrer).
/// </summary>
internal sealed class ReferrerClassifier
{
    private static readonly HashSet<string> PaidMediums = new(["cpc", "ppc", "paid", "paidsearch", "paid_search", "paid-search", "paidsocial", "paid_social", "paid-social", "cpm", "cpv", "cpa", "display", "ppv"], StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, (string Name, string Medium)> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public ReferrerClassifier(string referersYamlPath)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(referersYamlPath)) yaml.Load(reader);
        foreach (var (mediumNode, sources) in (YamlMappingNode)yaml.Documents[0].RootNode)
        {
            var medium = ((YamlScalarNode)mediumNode).Value!;
            foreach (var (nameNode, body) in (YamlMappingNode)sources)
            {
                if (body is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode("domains"), out var domains)) continue;
                foreach (var domain in (YamlSequenceNode)domains)
                    _hosts.TryAdd(((YamlScalarNode)domain).Value!, (((YamlScalarNode)nameNode).Value!, medium));
            }
        }
    }

    /// <summary>Hosts (and host/path prefixes) in the list.</summary>
    public int Count => _hosts.Count;

    /// <summary>The list entry for a referrer: host plus first path segment, then the host and its parent domains.</summary>
    public (string Name, string Medium)? Lookup(Uri referrer)
    {
        var host = referrer.Host;
        var segment = referrer.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (segment is not null && _hosts.TryGetValue(host + "/" + segment, out var withPath)) return withPath;
        for (var h = host; h.Contains('.'); h = h[(h.IndexOf('.') + 1)..])
            if (_hosts.TryGetValue(h, out var known)) return known;
        return null;
    }

    public TrafficChannel Classify(Uri page, Uri? referrer, string? utmSource, string? utmMedium, string? clickIdType, string? utmCampaign = null)
    {
        var campaign = utmCampaign ?? "";
        var external = referrer is not null && !referrer.Host.Equals(page.Host, StringComparison.OrdinalIgnoreCase);
        var known = external ? Lookup(referrer!) : null;
        var referrerSource = known?.Name ?? (external ? referrer!.Host.ToLowerInvariant() : "");
        if (clickIdType is not null || (utmMedium is not null && PaidMediums.Contains(utmMedium)))
            return new TrafficChannel(utmSource ?? (known?.Name ?? (clickIdType is not null ? TrafficSource.ClickIdSources[clickIdType] : referrerSource)), utmMedium ?? "cpc", campaign, "paid");
        if (utmMedium is not null)
        {
            var channel = utmMedium.ToLowerInvariant() switch
            {
                "email" or "e-mail" or "newsletter" => "email",
                "social" or "social-network" or "social-media" or "sm" => "social",
                "organic" => "search",
                "referral" => "referral",
                _ => "campaign",
            };
            return new TrafficChannel(utmSource ?? referrerSource, utmMedium, campaign, channel);
        }
        if (utmSource is not null) return new TrafficChannel(utmSource, "", campaign, "campaign");
        if (referrer is null) return new TrafficChannel("", "", campaign, "direct");
        if (!external) return new TrafficChannel("", "", campaign, "internal");
        return known?.Medium switch
        {
            "search" => new TrafficChannel(referrerSource, "organic", campaign, "search"),
            "social" => new TrafficChannel(referrerSource, "social", campaign, "social"),
            "email" => new TrafficChannel(referrerSource, "email", campaign, "email"),
            _ => new TrafficChannel(referrerSource, "referral", campaign, "referral"),
        };
    }
}
