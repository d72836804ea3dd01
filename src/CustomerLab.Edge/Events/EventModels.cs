using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerLab.Edge.ClickHouse;

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
/// An event after validation and enrichment: what the spool holds and what becomes one row of <c>pageviews</c>.
/// In the spool it is a RowBinary row (<see cref="PageviewRowBinary"/>), so a batch of records one after the other is
/// already an <c>INSERT … FORMAT RowBinary</c> body: the shipper sends the bytes as they are on disk. Earlier versions
/// spooled it as JSON with the table's column names (<see cref="SpoolJson"/>), which the shipper still reads.
/// </summary>
public sealed class EnrichedEvent
{
    public Guid EventId { get; set; }
    public string SiteId { get; set; } = "";
    public string EventName { get; set; } = "pageview";
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime Timestamp { get; set; }
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
    /// <summary>0 to 65,535 (the column is UInt16).</summary>
    public int ScreenWidth { get; set; }
    public string CountryCode { get; set; } = "";
    public string Region { get; set; } = "";
    public string City { get; set; } = "";
    public string IpPrefix { get; set; } = "";
    public bool IsBot { get; set; }
    public string[] BotReasons { get; set; } = [];
    public string UserAgent { get; set; } = "";

    /// <summary>The <c>pageviews</c> columns a JSON spool record fills: its property names.</summary>
    internal static readonly string[] Columns = [.. SpoolJson.Default.EnrichedEvent.Properties.Select(p => p.Name)];
}

/// <summary>The spool's JSON record format before RowBinary: an <see cref="EnrichedEvent"/> with the <c>pageviews</c> column names (also the dead-letter file's).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EnrichedEvent))]
internal sealed partial class SpoolJson : JsonSerializerContext;

/// <summary>The API's JSON; <see cref="EnrichedEvent"/> here only to read spool records of earlier versions.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CollectEvent))]
[JsonSerializable(typeof(CollectResponse))]
[JsonSerializable(typeof(EnrichedEvent))]
internal sealed partial class EventsJson : JsonSerializerContext;
