using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Runs an assignment under the fallback bound, admitting at most <see cref="NumbersOptions.MaxAssignmentsInFlight"/> at once, without telling a visitor "default" while a lease is committed in its
/// name.
///
/// The bound is on Redis's silence, not on one call's latency: a request falls back when Redis has sent no pool reply
/// for <see cref="NumbersOptions.RedisTimeoutMs"/> (or longer while recent replies were slow: see <see cref="SilenceBound"/>)
/// since the request started (a down or hung Redis: every request
/// answers within that bound); time this process spent without CPU (a late wake-up) does not count as silence. While replies keep coming (a healthy Redis working through a burst), the request waits
/// for its own, up to <see cref="NumbersOptions.RedisMaxWaitMs"/>. An assignment that is given up on may still be
/// committed by Redis afterwards; when it is, the lease is released at once (a compensating release), and the leases
/// its call ended are still recorded, so no number stays held by a visitor who was shown the default number.
/// </summary>
internal sealed partial class BoundedAssignment(NumberPool pools, LeaseHistoryWriter history, TimeProvider time,
    IOptions<NumbersOptions> options, ILogger<BoundedAssignment> logger)
{
    private readonly TimeSpan _silence = TimeSpan.FromMilliseconds(options.Value.RedisTimeoutMs);
    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxAssignmentsInFlight);
    private readonly TimeSpan _maxWait = TimeSpan.FromMilliseconds(Math.Max(options.Value.RedisMaxWaitMs, options.Value.RedisTimeoutMs));

    /// <summary>How late a wake-up may be before its delay counts as this process's starvation, not Redis's silence: 5 ms.</summary>
    private static readonly TimeSpan StarvedAfter = TimeSpan.FromMilliseconds(5);

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last pool reply from Redis.</summary>
    private long _lastReply;

    /// <summary>The assignment's result, or null when the caller must fall back (Redis silent, failed, or too slow).</summary>
    public async Task<AssignResult?> AssignAsync(string siteKey, string poolId, string sessionId, string visitorId, string source, TimeSpan hold,
        LeaseCaps? caps = null)
    {
        var started = time.GetTimestamp();
        // Admission first: at most MaxAssignmentsInFlight calls are with Redis at once, so a burst does not become one
        // long pipeline whose first reply comes after the bound. Waiting here sends nothing, so giving up costs nothing.
        using var cancelAdmission = new CancellationTokenSource();
        var admission = _inFlight.WaitAsync(cancelAdmission.Token);
        var (admitted, silentFrom) = await WaitBoundedAsync(admission, started, started).ConfigureAwait(false);
        if (!admitted)
        {
            cancelAdmission.Cancel();
            _ = ReturnLateAdmissionAsync(admission);
            LogGaveUp(logger, siteKey, "waiting for admission", time.GetElapsedTime(started).TotalMilliseconds);
            return null;
        }
        Task<AssignResult> call;
        var sent = time.GetTimestamp();
        try
        {
            call = pools.AssignAsync(siteKey, poolId, sessionId, visitorId, source, hold, caps);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _inFlight.Release();
            LogFailed(logger, siteKey, ex.Message);
            return null;
        }
        var (done, _) = await WaitBoundedAsync(call, started, silentFrom).ConfigureAwait(false);
        if (!done)
        {
            LogGaveUp(logger, siteKey, "waiting for Redis", time.GetElapsedTime(started).TotalMilliseconds);
            _ = CompensateAsync(call, sent, siteKey, poolId, sessionId);
            return null;
        }
        try
        {
            var result = await call.ConfigureAwait(false);
            Replied(sent);
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogFailed(logger, siteKey, ex.Message);
            return null;
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>
    /// Waits for <paramref name="task"/> while Redis is not silent (see the class) and the total wait is under the
    /// maximum. Returns whether it completed, and the moment Redis's silence is counted from.
    /// </summary>
    private async Task<(bool Done, long SilentFrom)> WaitBoundedAsync(Task task, long started, long silentFrom)
    {
        while (!task.IsCompleted)
        {
            var now = time.GetTimestamp();
            silentFrom = Math.Max(silentFrom, Volatile.Read(ref _lastReply));
            var wait = Min(SilenceBound() - time.GetElapsedTime(silentFrom, now), _maxWait - time.GetElapsedTime(started, now));
            if (wait <= TimeSpan.Zero) break;
            await Task.WhenAny(task, Task.Delay(wait, time)).ConfigureAwait(false);
            // A wake-up that comes late means this process had no CPU to spare (an embedded Garnet shares it): that time
            // is not Redis's silence. A hung Redis on a calm edge wakes the wait on time and falls back within the bound.
            var late = time.GetElapsedTime(now) - wait;
            if (late > StarvedAfter) silentFrom += (long)(late.TotalSeconds * time.TimestampFrequency);
        }
        return (task.IsCompleted, silentFrom);
    }

    /// <summary>An admission granted just as it was given up on goes back to the pool of slots.</summary>
    private async Task ReturnLateAdmissionAsync(Task admission)
    {
        try
        {
            await admission.ConfigureAwait(false);
            _inFlight.Release();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>When Redis commits an assignment after the visitor was shown the default number, end that lease now.</summary>
    private async Task CompensateAsync(Task<AssignResult> call, long sent, string siteKey, string poolId, string sessionId)
    {
        try
        {
            AssignResult result;
            try
            {
                result = await call.ConfigureAwait(false);
            }
            finally
            {
                _inFlight.Release();
            }
            Replied(sent);
            foreach (var ended in result.Ended) history.RecordEnd(ended);
            if (result.Status != LeaseStatus.Assigned) return; // a renewal keeps the lease the session already had
            await pools.ReleaseAsync(siteKey, poolId, result.Lease!.Number, sessionId).ConfigureAwait(false);
            LogCompensated(logger, siteKey, poolId, result.Lease.Number);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Never committed, or committed and now unreachable: the lease then ends with its hold, like any other.
            LogCompensationFailed(logger, siteKey, ex.Message);
        }
    }

    /// <summary>A reply came: Redis is not silent, and its latency feeds the estimate of how long silence may last.</summary>
    private void Replied(long sent)
    {
        var now = time.GetTimestamp();
        Volatile.Write(ref _lastReply, now);
        var sample = time.GetElapsedTime(sent, now).TotalMilliseconds;
        lock (_estimate)
        {
            // RFC 6298's smoothed round-trip time and its variation (gains 1/8 and 1/4).
            if (_estimate.Srtt == 0)
            {
                _estimate.Srtt = sample;
                _estimate.RttVar = sample / 2;
            }
            else
            {
                _estimate.RttVar = 0.75 * _estimate.RttVar + 0.25 * Math.Abs(_estimate.Srtt - sample);
                _estimate.Srtt = 0.875 * _estimate.Srtt + 0.125 * sample;
            }
            _estimate.BoundMs = Math.Clamp(_estimate.Srtt + 4 * _estimate.RttVar, _silence.TotalMilliseconds, _maxWait.TotalMilliseconds);
        }
    }

    /// <summary>
    /// How long Redis may stay silent before a request falls back: RFC 6298's retransmission timeout over recent reply
    /// latencies (smoothed latency plus four times its variation), never below <see cref="NumbersOptions.RedisTimeoutMs"/>
    /// nor above <see cref="NumbersOptions.RedisMaxWaitMs"/>. A Redis that answered quickly until it hung is given up on
    /// after RedisTimeoutMs; one that is slow because this machine is loaded is given the time its latency says it needs.
    /// </summary>
    private TimeSpan SilenceBound() => TimeSpan.FromMilliseconds(Math.Max(Volatile.Read(ref _estimate.BoundMs), _silence.TotalMilliseconds));

    private sealed class LatencyEstimate
    {
        public double Srtt, RttVar, BoundMs;
    }

    private readonly LatencyEstimate _estimate = new();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(5005, LogLevel.Warning, "A lease committed after site {SiteKey} pool {PoolId} fell back to the default number was released: {Number}", EventName = "LeaseCompensated")]
    private static partial void LogCompensated(ILogger logger, string siteKey, string poolId, string number);

    [LoggerMessage(5006, LogLevel.Warning, "Could not settle an assignment given up on for site {SiteKey}: {Error}", EventName = "LeaseCompensationFailed")]
    private static partial void LogCompensationFailed(ILogger logger, string siteKey, string error);

    [LoggerMessage(5008, LogLevel.Debug, "Gave up on an assignment for site {SiteKey} {Stage} after {ElapsedMs} ms", EventName = "AssignGaveUp")]
    private static partial void LogGaveUp(ILogger logger, string siteKey, string stage, double elapsedMs);

    [LoggerMessage(5007, LogLevel.Warning, "Assignment failed for site {SiteKey}: {Error}", EventName = "AssignFailed")]
    private static partial void LogFailed(ILogger logger, string siteKey, string error);
}
