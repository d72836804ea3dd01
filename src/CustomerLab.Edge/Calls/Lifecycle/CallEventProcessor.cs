using System.Runtime.InteropServices;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Lifecycle;

/// <summary>
/// Stores spooled call events, each call's in spool order (several calls at a time): each is applied (<see cref="CallRecorder.ApplyAsync"/>) and
/// retried with backoff (up to <see cref="DeliveryOptions.MaxRetryDelayMs"/>) while a store fails, so an event is never
/// skipped because Redis or ClickHouse is down. An unreadable record, or one that fails for a reason no retry can
/// change, is logged with its content and passed over.
/// </summary>
internal sealed partial class CallEventProcessor(CallRecorder recorder, Texts.TextRecorder texts, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<CallEventProcessor> logger)
{
    private long _stored;

    /// <summary>Events applied since start.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    /// <summary>Calls of one batch applied at once; each call's own events stay in spool order.</summary>
    private const int ParallelCalls = 8;

    public async Task DeliverAsync(IReadOnlyList<SpoolRecord> records, CancellationToken cancellationToken)
    {
        var calls = new Dictionary<(string, string), List<CallEvent>>();
        foreach (var record in records)
            if (Read(record) is { } e)
                (CollectionsMarshal.GetValueRefOrAddDefault(calls, (e.Provider, e.CallId), out _) ??= []).Add(e);
        // A backlog (after an outage) drains several calls at a time; the events of one call are applied one by one.
        await Parallel.ForEachAsync(calls.Values, new ParallelOptions { MaxDegreeOfParallelism = ParallelCalls, CancellationToken = cancellationToken },
            async (events, ct) =>
            {
                foreach (var e in events) await ApplyAsync(e, ct);
            });
    }

    /// <summary>Applies one event, retrying while a store fails; an event no retry can store is logged and passed over.</summary>
    private async Task ApplyAsync(CallEvent e, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var maxDelay = TimeSpan.FromMilliseconds(options.Value.MaxRetryDelayMs);
        while (true)
        {
            try
            {
                // Texts share the spool and its retries; they have no call state.
                if (e.Leg == CallEvent.TextLeg) await texts.ApplyAsync(e, cancellationToken);
                else await recorder.ApplyAsync(e, cancellationToken);
                Interlocked.Increment(ref _stored);
                return;
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
                return;
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
