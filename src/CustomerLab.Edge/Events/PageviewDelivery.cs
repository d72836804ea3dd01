using System.Buffers;
using System.Text.Json;
using CustomerLab.Edge.Delivery;

namespace CustomerLab.Edge.Events;

/// <summary>
/// Pageviews go to ClickHouse's <c>pageviews</c> through the durable spool (<see cref="DeliveryGuarantee.DurableSpool"/>),
/// in <c>{Delivery:SpoolPath}/{ClickHouse:Database}</c>, the directory earlier versions wrote, so their segments still ship.
/// Records are RowBinary rows behind their layout byte (<see cref="PageviewRowBinary"/>) and ship as
/// <c>INSERT … FORMAT RowBinary</c>; records of earlier versions (JSON) are rewritten as rows when they ship.
/// </summary>
internal static class PageviewDelivery
{
    public static readonly ShipTarget Target = new("pageviews", PageviewRowBinary.Columns, AsRow) { Format = "RowBinary", AsJson = AsJson };

    /// <summary>The framed records of <paramref name="events"/>, <c>pageviews</c> rows.</summary>
    public static FramedRecords Frame(ReadOnlySpan<EnrichedEvent> events) =>
        SpoolRecords.Frame(events, 0, static (e, output, _) => PageviewRowBinary.WriteRecord(e, output));

    /// <summary>
    /// A payload as a RowBinary row: this version's records are the row behind their layout byte; JSON records of the
    /// versions before (JSONEachRow lines with the column names, or earlier camelCase ones starting <c>{"eventId"</c>)
    /// are read and written as a row. Throws <see cref="JsonException"/> for what is not an event.
    /// </summary>
    public static ReadOnlyMemory<byte> AsRow(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (span.Length > 0 && span[0] == PageviewRowBinary.Layout) return payload[1..];
        if (span.Length == 0 || span[0] != (byte)'{') throw new JsonException($"not a pageview record (first byte {(span.Length > 0 ? span[0] : -1)})");
        var e = span.StartsWith("{\"eventId\""u8)
            ? JsonSerializer.Deserialize(span, EventsJson.Default.EnrichedEvent)
            : JsonSerializer.Deserialize(span, SpoolJson.Default.EnrichedEvent);
        var row = new ArrayBufferWriter<byte>(span.Length);
        PageviewRowBinary.WriteRow(e ?? throw new JsonException("null event"), row);
        return row.WrittenMemory;
    }

    /// <summary>A record (JSON or binary) or a row as the JSON of the spool's earlier format, for the dead-letter file.</summary>
    private static string? AsJson(ReadOnlyMemory<byte> payload)
    {
        if (ShipTarget.JsonAsIs(payload) is { } json) return json;
        var span = payload.Span;
        return (span.Length > 0 && span[0] == PageviewRowBinary.Layout ? RowAsJson(span[1..]) : null) ?? RowAsJson(span);
    }

    private static string? RowAsJson(ReadOnlySpan<byte> row)
    {
        try { return JsonSerializer.Serialize(PageviewRowBinary.ReadRow(row), SpoolJson.Default.EnrichedEvent); }
        catch (Exception ex) when (ex is FormatException or ArgumentException) { return null; } // ArgumentException: a date out of range
    }
}
