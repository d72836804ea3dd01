using System.Buffers;
using CustomerLab.Edge.Delivery;

namespace CustomerLab.Edge.Events;

/// <summary>
/// A pageview as one RowBinary row of <c>pageviews</c>, its columns in the order of <see cref="Columns"/> (the columns
/// of migration 0002, which are <see cref="EnrichedEvent.Columns"/>). The spool keeps such a row behind a
/// <see cref="Layout"/> byte, so an edge whose row changes can still read the rows an earlier one wrote.
/// </summary>
internal static class PageviewRowBinary
{
    /// <summary>
    /// The first byte of a binary pageview record, naming its row layout (1: the columns below). JSON records, the
    /// format before it, start with <c>{</c>.
    /// </summary>
    public const byte Layout = 1;

    /// <summary>The columns of the row, in its order.</summary>
    public static readonly string[] Columns =
    [
        "event_id", "site_id", "event_name", "timestamp", "visitor_id", "session_id", "url", "host", "path", "title",
        "referrer", "referrer_host", "source", "medium", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term",
        "utm_content", "click_id_type", "click_id", "browser", "browser_version", "os", "os_version", "device_family",
        "device_brand", "device_type", "screen_width", "country_code", "region", "city", "ip_prefix", "is_bot",
        "bot_reasons", "user_agent",
    ];

    /// <summary>Writes the layout byte and the row (a spool record's payload).</summary>
    public static void WriteRecord(EnrichedEvent e, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = Layout;
        output.Advance(1);
        WriteRow(e, output);
    }

    /// <summary>Writes the row alone (what an insert's body holds).</summary>
    public static void WriteRow(EnrichedEvent e, IBufferWriter<byte> output)
    {
        RowBinary.WriteUuid(output, e.EventId);
        RowBinary.WriteString(output, e.SiteId);
        RowBinary.WriteString(output, e.EventName);
        RowBinary.WriteDateTime64Milliseconds(output, e.Timestamp);
        RowBinary.WriteString(output, e.VisitorId);
        RowBinary.WriteString(output, e.SessionId);
        RowBinary.WriteString(output, e.Url);
        RowBinary.WriteString(output, e.Host);
        RowBinary.WriteString(output, e.Path);
        RowBinary.WriteString(output, e.Title);
        RowBinary.WriteString(output, e.Referrer);
        RowBinary.WriteString(output, e.ReferrerHost);
        RowBinary.WriteString(output, e.Source);
        RowBinary.WriteString(output, e.Medium);
        RowBinary.WriteString(output, e.Channel);
        RowBinary.WriteString(output, e.UtmSource);
        RowBinary.WriteString(output, e.UtmMedium);
        RowBinary.WriteString(output, e.UtmCampaign);
        RowBinary.WriteString(output, e.UtmTerm);
        RowBinary.WriteString(output, e.UtmContent);
        RowBinary.WriteString(output, e.ClickIdType);
        RowBinary.WriteString(output, e.ClickId);
        RowBinary.WriteString(output, e.Browser);
        RowBinary.WriteString(output, e.BrowserVersion);
        RowBinary.WriteString(output, e.Os);
        RowBinary.WriteString(output, e.OsVersion);
        RowBinary.WriteString(output, e.DeviceFamily);
        RowBinary.WriteString(output, e.DeviceBrand);
        RowBinary.WriteString(output, e.DeviceType);
        RowBinary.WriteUInt16(output, (ushort)Math.Clamp(e.ScreenWidth, 0, ushort.MaxValue));
        RowBinary.WriteString(output, e.CountryCode);
        RowBinary.WriteString(output, e.Region);
        RowBinary.WriteString(output, e.City);
        RowBinary.WriteString(output, e.IpPrefix);
        RowBinary.WriteBool(output, e.IsBot);
        RowBinary.WriteStrings(output, e.BotReasons);
        RowBinary.WriteString(output, e.UserAgent);
    }

    /// <summary>Reads a row that <see cref="WriteRow"/> wrote; throws <see cref="FormatException"/> for anything else.</summary>
    public static EnrichedEvent ReadRow(ReadOnlySpan<byte> row)
    {
        var r = new RowBinary.Reader(row);
        var e = new EnrichedEvent
        {
            EventId = r.Uuid(), SiteId = r.String(), EventName = r.String(), Timestamp = r.DateTime64Milliseconds(),
            VisitorId = r.String(), SessionId = r.String(), Url = r.String(), Host = r.String(), Path = r.String(),
            Title = r.String(), Referrer = r.String(), ReferrerHost = r.String(), Source = r.String(), Medium = r.String(),
            Channel = r.String(), UtmSource = r.String(), UtmMedium = r.String(), UtmCampaign = r.String(), UtmTerm = r.String(),
            UtmContent = r.String(), ClickIdType = r.String(), ClickId = r.String(), Browser = r.String(),
            BrowserVersion = r.String(), Os = r.String(), OsVersion = r.String(), DeviceFamily = r.String(),
            DeviceBrand = r.String(), DeviceType = r.String(), ScreenWidth = r.UInt16(), CountryCode = r.String(),
            Region = r.String(), City = r.String(), IpPrefix = r.String(), IsBot = r.Bool(), BotReasons = r.Strings(),
            UserAgent = r.String(),
        };
        return r.AtEnd ? e : throw new FormatException("bytes after the row");
    }
}
