using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerLab.Edge.Events;

/// <summary>
/// One event as the tag sends it to <c>POST /v1/collect</c> (alone or in an array of up to 50):
/// <c>{"k":"site key","n":"pageview","u":"page URL","r":"referrer","t":"title","w":1280}</c>.
/// UTM parameters and click ids are read from <c>u</c>.
/// </summary>
public sealed class CollectEvent
{
    /// <summary>The site key from the script tag. Required.</summary>
    [JsonPropertyName("k")] public string? SiteKey { get; set; }

    /// <summary>Event name; the default is <c>pageview</c>.</summary>
    [JsonPropertyName("n")] public string? Name { get; set; }

    /// <summary>The page URL (absolute, http or https). Required.</summary>
    [JsonPropertyName("u")] public string? PageUrl { get; set; }

    /// <summary>document.referrer; may be empty.</summary>
    [JsonPropertyName("r")] public string? Referrer { get; set; }

    /// <summary>document.title; cut to Events:MaxTitleLength.</summary>
    [JsonPropertyName("t")] public string? Title { get; set; }

    /// <summary>Screen width in CSS pixels.</summary>
    [JsonPropertyName("w")] public int? ScreenWidth { get; set; }
}

/// <summary>Answer of <c>POST /v1/collect</c>: how many events are durable in the spool.</summary>
public sealed record CollectResponse(int Accepted);

/// <summary>
/// An event after validation and enrichment: what the spool holds (as JSON) and what becomes one row of
/// <c>pageviews</c>. Property names are the column names.
/// </summary>
public sealed class EnrichedEvent
{
    public Guid EventId { get; set; }
    public string SiteId { get; set; } = "";
    public string EventName { get; set; } = "pageview";
    public DateTime Timestamp { get; set; }
    public string VisitorId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string Url { get; set; } = "";
    public string Host { get; set; } = "";
    public string Path { get; set; } = "";
    public string Title { get; set; } = "";
    public string Referrer { get; set; } = "";
    public string ReferrerHost { get; set; } = "";
    public string Source { get; set; } = "";
    public string Medium { get; set; } = "";
    public string Channel { get; set; } = "";
    public string UtmSource { get; set; } = "";
    public string UtmMedium { get; set; } = "";
    public string UtmCampaign { get; set; } = "";
    public string UtmTerm { get; set; } = "";
    public string UtmContent { get; set; } = "";
    public string ClickIdType { get; set; } = "";
    public string ClickId { get; set; } = "";
    public string Browser { get; set; } = "";
    public string BrowserVersion { get; set; } = "";
    public string Os { get; set; } = "";
    public string OsVersion { get; set; } = "";
    public string DeviceFamily { get; set; } = "";
    public string DeviceBrand { get; set; } = "";
    public string DeviceType { get; set; } = "";
    public int ScreenWidth { get; set; }
    public string CountryCode { get; set; } = "";
    public string Region { get; set; } = "";
    public string City { get; set; } = "";
    public string IpPrefix { get; set; } = "";
    public bool IsBot { get; set; }
    public string[] BotReasons { get; set; } = [];
    public string UserAgent { get; set; } = "";

    /// <summary>The <c>pageviews</c> columns, in the order of <see cref="ToRow"/>.</summary>
    internal static readonly string[] Columns =
    [
        "event_id", "site_id", "event_name", "timestamp", "visitor_id", "session_id", "url", "host", "path", "title",
        "referrer", "referrer_host", "source", "medium", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term",
        "utm_content", "click_id_type", "click_id", "browser", "browser_version", "os", "os_version", "device_family",
        "device_brand", "device_type", "screen_width", "country_code", "region", "city", "ip_prefix", "is_bot",
        "bot_reasons", "user_agent",
    ];

    internal object?[] ToRow() =>
    [
        EventId, SiteId, EventName, Timestamp, VisitorId, SessionId, Url, Host, Path, Title,
        Referrer, ReferrerHost, Source, Medium, Channel, UtmSource, UtmMedium, UtmCampaign, UtmTerm,
        UtmContent, ClickIdType, ClickId, Browser, BrowserVersion, Os, OsVersion, DeviceFamily,
        DeviceBrand, DeviceType, (ushort)Math.Clamp(ScreenWidth, 0, ushort.MaxValue), CountryCode, Region, City, IpPrefix, IsBot,
        BotReasons, UserAgent,
    ];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CollectEvent))]
[JsonSerializable(typeof(CollectResponse))]
[JsonSerializable(typeof(EnrichedEvent))]
internal sealed partial class EventsJson : JsonSerializerContext;
