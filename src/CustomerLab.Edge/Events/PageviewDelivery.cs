using System.Text.Json;
using CustomerLab.Edge.Delivery;

namespace CustomerLab.Edge.Events;

/// <summary>
/// Pageviews go to ClickHouse's <c>pageviews</c> through the durable spool (<see cref="DeliveryGuarantee.DurableSpool"/>),
/// in <c>{Delivery:SpoolPath}/{ClickHouse:Database}</c>, the directory earlier versions wrote, so their segments still ship.
/// </summary>
internal static class PageviewDelivery
{
    public static readonly ShipTarget Target = new("pageviews", EnrichedEvent.Columns, AsRow);

    /// <summary>The framed records of <paramref name="events"/>, <c>pageviews</c> rows.</summary>
    public static FramedRecords Frame(ReadOnlySpan<EnrichedEvent> events) => SpoolRecords.Frame(events, SpoolJson.Default.EnrichedEvent);

    /// <summary>
    /// A payload as a JSONEachRow line of the current format; records that versions before it wrote (camelCase
    /// property names, first <c>eventId</c>) are rewritten. Throws <see cref="JsonException"/> for what is not an event.
    /// </summary>
    public static ReadOnlyMemory<byte> AsRow(ReadOnlyMemory<byte> payload)
    {
        if (!payload.Span.StartsWith("{\"eventId\""u8)) return payload;
        var legacy = JsonSerializer.Deserialize(payload.Span, EventsJson.Default.EnrichedEvent) ?? throw new JsonException("null event");
        return JsonSerializer.SerializeToUtf8Bytes(legacy, SpoolJson.Default.EnrichedEvent);
    }
}
