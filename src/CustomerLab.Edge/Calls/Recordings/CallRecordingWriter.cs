using ClickHouse.Driver;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Edge.Calls.Recordings;

/// <summary>
/// Writes a recording callback (spooled as a <see cref="CallEvent.RecordingLeg"/> event) into <c>call_recordings</c>, with
/// the call's caller, visitor and notice copied from its state, so deletion requests find the recording and every
/// recording shows the notice that preceded it. A replay is dropped by its deduplication token.
/// </summary>
internal sealed partial class CallRecordingWriter(ClickHouseClient clickHouse, SchemaState schema, TimeProvider time, ILogger<CallRecordingWriter> logger)
{
    private static readonly string[] Columns =
    [
        "recording_sid", "call_id", "provider", "site_id", "account_sid", "tracking_number", "caller_number", "visitor_id", "session_id",
        "recording_status", "duration_seconds", "channels", "recording_url", "notice_played", "notice_text", "caller_notice_at",
        "business_notice_at", "call_started_at", "created_at",
    ];

    public async Task InsertAsync(CallEvent e, CallState state, CancellationToken cancellationToken)
    {
        var r = e.Recording ?? throw new ArgumentException("A recording event without its recording.", nameof(e));
        var site = r.SiteKey.Length > 0 ? r.SiteKey : state.Attribution.SiteKey;
        object?[] row =
        [
            r.RecordingSid, e.CallId, e.Provider, site, r.AccountSid, state.TrackingNumber, state.Caller, state.Attribution.VisitorId,
            state.Attribution.SessionId, r.Status, (uint)Math.Max(0, r.DurationSeconds), (byte)Math.Clamp(r.Channels, 0, 255), r.RecordingUrl,
            state.CallerNoticeMs > 0, state.RecordingNotice, CallRecorder.UtcOrNull(state.CallerNoticeMs), CallRecorder.UtcOrNull(state.BusinessNoticeMs),
            state.StartedAt.UtcDateTime, time.GetUtcNow().UtcDateTime,
        ];
        var options = clickHouse.InsertOptions(schema.IsReady, deduplicationToken: $"recording:{r.RecordingSid}:{r.Status}");
        await clickHouse.InsertBinaryAsync("call_recordings", Columns, [row], options, cancellationToken: cancellationToken);
        if (state.CallerNoticeMs == 0) LogWithoutNotice(logger, e.CallId, r.RecordingSid);
        else LogStored(logger, e.CallId, r.RecordingSid, r.Status);
    }

    [LoggerMessage(8401, LogLevel.Information, "Recording {RecordingSid} of call {CallId} stored ({Status})", EventName = "RecordingStored")]
    private static partial void LogStored(ILogger logger, string callId, string recordingSid, string status);

    [LoggerMessage(8402, LogLevel.Error, "Recording {RecordingSid} of call {CallId} has no record of the caller hearing the notice", EventName = "RecordingWithoutNotice")]
    private static partial void LogWithoutNotice(ILogger logger, string callId, string recordingSid);
}
