using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Lifecycle;

/// <summary>
/// Stores spooled call events one by one, in spool order: each is applied (<see cref="CallRecorder.ApplyAsync"/>) and
/// retried with backoff (up to <see cref="DeliveryOptions.MaxRetryDelayMs"/>) while a store fails, so an event is never
/// skipped because Redis or ClickHouse is down. An unreadable record, or one that fails for a reason no retry can
/// change, is logged with its content and passed over.
/// </summary>
internal sealed partial class CallEventProcessor(CallRecorder recorder, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<CallEventProcessor> logger)
{
    private long _stored;

    /// <summary>Events applied since start.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    public async Task DeliverAsync(IReadOnlyList<SpoolRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            if (Read(record) is not { } e) continue;
            var delay = TimeSpan.FromMilliseconds(100);
            var maxDelay = TimeSpan.FromMilliseconds(options.Value.MaxRetryDelayMs);
            while (true)
            {
                try
                {
                    await recorder.ApplyAsync(e, cancellationToken);
                    Interlocked.Increment(ref _stored);
                    break;
                }
                catch (Exception ex) when (IsTransient(ex, cancellationToken))
                {
                    LogRetry(logger, e.Provider, e.CallId, e.Status, delay.TotalSeconds, ex.GetType().Name, ex.Message);
                    await Task.Delay(delay, time, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, e.Provider, e.CallId, JsonSerializer.Serialize(e, CallJson.Default.CallEvent), ex);
                    break;
                }
            }
        }
    }

    private CallEvent? Read(SpoolRecord record)
    {
        try
        {
            if (record.Payload is { } payload && JsonSerializer.Deserialize(payload.Span, CallJson.Default.CallEvent) is { } e) return e;
        }
        catch (JsonException)
        {
        }
        LogUnreadable(logger, record.Segment, record.Offset);
        return null;
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) =>
        ex is RedisException or TimeoutException or HttpRequestException or IOException or ClickHouseServerException or SiteStoreUnavailableException
            or InvalidOperationException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(8201, LogLevel.Warning, "Call {Provider}/{CallId} {Status} not stored yet, retrying in {Seconds} s: {Kind}: {Error}", EventName = "CallEventRetry")]
    private static partial void LogRetry(ILogger logger, string provider, string callId, string status, double seconds, string kind, string error);

    [LoggerMessage(8202, LogLevel.Error, "Call {Provider}/{CallId}: the event cannot be stored and is passed over: {Event}", EventName = "CallEventFailed")]
    private static partial void LogFailed(ILogger logger, string provider, string callId, string @event, Exception exception);

    [LoggerMessage(8203, LogLevel.Error, "Unreadable call event in the spool at segment {Segment}, offset {Offset}; passed over", EventName = "CallEventUnreadable")]
    private static partial void LogUnreadable(ILogger logger, long segment, long offset);
}
