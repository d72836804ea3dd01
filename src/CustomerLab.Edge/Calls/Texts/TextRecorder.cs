using ClickHouse.Driver;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Calls;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Edge.Calls.Texts;

/// <summary>
/// Stores a spooled text (<see cref="CallEvent.TextLeg"/>) in <c>texts</c>: a consumer's text attributed like a call
/// (tracking number + time → session, <see cref="CallAttributor"/>), a business reply not. Throws on a store failure, so
/// <see cref="Calls.Lifecycle.CallEventProcessor"/> retries it; a replay is dropped by its deduplication token.
/// </summary>
internal sealed partial class TextRecorder(CallAttributor attributor, ClickHouseClient clickHouse, SchemaState schema, TimeProvider time, ILogger<TextRecorder> logger)
{
    private static readonly string[] Columns =
    [
        "message_id", "provider", "site_id", "pool_id", "tracking_number", "direction", "sender_number", "recipient_number", "consumer_number",
        "keyword", "outcome", "received_at", "attribution_status", "attribution_reason", "lease_id", "session_id", "visitor_id", "first_source",
        "first_medium", "first_campaign", "first_channel", "last_source", "last_medium", "last_campaign", "last_channel", "landing_page", "gclid",
        "msclkid", "fbclid", "publisher_id", "body_length", "body", "segments", "media_count", "stored_at",
    ];

    public async Task ApplyAsync(CallEvent e, CancellationToken cancellationToken)
    {
        var t = e.Text ?? throw new ArgumentException("A text event without its text.", nameof(e));
        var a = t.Direction == "inbound"
            ? await attributor.AttributeAsync(e.To, e.EventAt, cancellationToken)
            : new Attribution { Status = "reply", Reason = "a business reply is not attributed", SiteKey = t.SiteKey, PoolId = t.PoolId };
        string Click(string name) => a.ClickIds.TryGetValue(name, out var v) ? v : "";
        object?[] row =
        [
            e.CallId, e.Provider, t.SiteKey, t.PoolId, e.To, t.Direction, t.Sender, t.Recipient, t.Consumer, t.Keyword, t.Outcome, e.EventAt.UtcDateTime,
            a.Status, a.Reason, a.LeaseId, a.SessionId, a.VisitorId, a.First.Source, a.First.Medium, a.First.Campaign, a.First.Channel, a.Last.Source,
            a.Last.Medium, a.Last.Campaign, a.Last.Channel, a.LandingPage, Click("gclid"), Click("msclkid"), Click("fbclid"), a.PublisherId,
            (uint)t.BodyLength, t.Body, (ushort)Math.Clamp(t.Segments, 0, ushort.MaxValue), (ushort)Math.Clamp(t.MediaCount, 0, ushort.MaxValue),
            time.GetUtcNow().UtcDateTime,
        ];
        var options = clickHouse.InsertOptions(schema.IsReady, deduplicationToken: "text:" + e.CallId);
        await clickHouse.InsertBinaryAsync("texts", Columns, [row], options, cancellationToken: cancellationToken);
        LogStored(logger, e.CallId, t.Direction, t.Outcome, a.Status);
    }

    [LoggerMessage(8511, LogLevel.Information, "Text {MessageSid} ({Direction}, {Outcome}) stored: {Attribution}", EventName = "TextStored")]
    private static partial void LogStored(ILogger logger, string messageSid, string direction, string outcome, string attribution);
}
