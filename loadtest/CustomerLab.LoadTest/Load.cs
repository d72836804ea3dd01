using System.Diagnostics;
using HdrHistogram;

namespace CustomerLab.LoadTest;

/// <summary>Latency (µs, HdrHistogram) and outcomes of one endpoint in one phase, in total and per second.</summary>
internal sealed class EndpointStats(string name, string phase)
{
    // 1 µs to 60 s, 3 significant digits.
    private static LongHistogram NewHistogram() => new(1, 60_000_000, 3);
    private readonly object _gate = new();
    private readonly Dictionary<int, (long Count, long Errors, LongHistogram Histogram)> _seconds = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _first = -1, _last;

    public string Name { get; } = name;
    public string Phase { get; } = phase;
    public DateTime StartedAt { get; } = DateTime.UtcNow;
    public LongHistogram Histogram { get; } = NewHistogram();

    /// <summary>Open loop: how late the generator sent each request after it was due (its own error, inside the latency).</summary>
    public LongHistogram SendLateness { get; } = NewHistogram();
    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public Dictionary<string, long> Outcomes { get; } = [];

    public void Record(long micros, bool ok, string outcome)
    {
        var now = _clock.ElapsedMilliseconds;
        var second = (int)(now / 1000);
        micros = Math.Clamp(micros, 1, 60_000_000);
        lock (_gate)
        {
            if (_first < 0) _first = now;
            _last = now;
            Requests++;
            if (!ok) Errors++;
            Histogram.RecordValue(micros);
            Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
            if (!_seconds.TryGetValue(second, out var s)) s = (0, 0, NewHistogram());
            s.Histogram.RecordValue(micros);
            _seconds[second] = (s.Count + 1, s.Errors + (ok ? 0 : 1), s.Histogram);
        }
    }

    public void RecordLateness(long micros)
    {
        lock (_gate) SendLateness.RecordValue(Math.Clamp(micros, 1, 60_000_000));
    }

    public double DurationSeconds { get; set; }
    public double RequestsPerSecond => DurationSeconds > 0 ? Requests / DurationSeconds : 0;
    public double Ms(double percentile) => Requests == 0 ? 0 : Histogram.GetValueAtPercentile(percentile) / 1000.0;

    public IReadOnlyList<SecondPoint> Series()
    {
        lock (_gate)
            return _seconds.OrderBy(s => s.Key).Select(s => new SecondPoint(s.Key, s.Value.Count, s.Value.Errors,
                s.Value.Histogram.GetValueAtPercentile(50) / 1000.0, s.Value.Histogram.GetValueAtPercentile(99) / 1000.0)).ToList();
    }

    public EndpointResult ToResult() => new(Name, Phase, Requests, Errors, Math.Round(DurationSeconds, 2), Math.Round(RequestsPerSecond, 1),
        Math.Round(Ms(50), 3), Math.Round(Ms(90), 3), Math.Round(Ms(99), 3), Math.Round(Ms(99.9), 3), Math.Round(Histogram.GetMaxValue() / 1000.0, 3),
        new Dictionary<string, long>(Outcomes), Series(),
        SendLateness.TotalCount == 0 ? null : Math.Round(SendLateness.GetValueAtPercentile(99) / 1000.0, 3));
}

internal sealed record SecondPoint(int Second, long Count, long Errors, double P50Ms, double P99Ms);

internal sealed record EndpointResult(string Endpoint, string Phase, long Requests, long Errors, double Seconds, double RequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, Dictionary<string, long> Outcomes, IReadOnlyList<SecondPoint> PerSecond,
    double? SendLatenessP99Ms);

/// <summary>One request of a generator: returns whether it succeeded and a short outcome label (status, answer kind).</summary>
internal delegate Task<(bool Ok, string Outcome)> Operation(int worker, long sequence, CancellationToken cancellationToken);

/// <summary>The request generator, shared by the baseline and the edge so their figures compare.</summary>
internal static class Generator
{
    /// <summary>Closed loop: <paramref name="concurrency"/> workers each send the next request when the previous one answered.</summary>
    /// <param name="maxRequests">Stops the measured part early after this many requests (and the warm-up after a fifth of
    /// them), for phases that use up something finite, such as a pool's free numbers.</param>
    public static async Task<EndpointStats> ClosedAsync(string name, string phase, int concurrency, TimeSpan warmup, TimeSpan duration, Operation operation,
        long maxRequests = long.MaxValue)
    {
        if (warmup > TimeSpan.Zero) await RunAsync(new EndpointStats(name, "warmup"), concurrency, warmup, operation, maxRequests / 5);
        var stats = new EndpointStats(name, phase);
        await RunAsync(stats, concurrency, duration, operation, maxRequests);
        return stats;
    }

    private static async Task RunAsync(EndpointStats stats, int concurrency, TimeSpan duration, Operation operation, long maxRequests)
    {
        using var cts = new CancellationTokenSource(duration);
        var sw = Stopwatch.StartNew();
        long issued = 0;
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            long seq = 0;
            while (!cts.IsCancellationRequested && Interlocked.Increment(ref issued) <= maxRequests)
                await TimedAsync(stats, operation, w, seq++, CancellationToken.None);
        })).ToArray();
        await Task.WhenAll(workers);
        stats.DurationSeconds = sw.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Open loop at a fixed rate: request k is due at k/rate; latency is measured from when it was due (so a stalled
    /// server cannot hide its queueing: no coordinated omission). <paramref name="concurrency"/> bounds requests in flight;
    /// when all are in flight the next request waits, and that wait counts in its latency.
    /// One pacer thread sleeps until each due time (clock_nanosleep, absolute) and sends the request itself: with
    /// Task.Delay the timer's millisecond granularity and the thread-pool hop after it sent requests up to 4 ms late at
    /// p99 (measured), the generator's own error, which was counted as the server's latency. How late the pacer still
    /// sends is recorded beside the latency (<see cref="EndpointStats.SendLateness"/>).
    /// </summary>
    public static async Task<EndpointStats> OpenAsync(string name, string phase, double rate, int concurrency, TimeSpan duration, Operation operation)
    {
        var stats = new EndpointStats(name, phase);
        var total = (long)(rate * duration.TotalSeconds);
        var free = new Stack<int>(Enumerable.Range(0, concurrency).Reverse());
        var slots = new SemaphoreSlim(concurrency);
        var sequences = new long[concurrency]; // per worker id, so one id's visitors never have two requests in flight
        var requests = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp();

        async Task SendAsync(int w, long seq, long due)
        {
            bool ok; string outcome;
            try { (ok, outcome) = await operation(w, seq, CancellationToken.None); }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException) { (ok, outcome) = (false, ex.GetType().Name); }
            stats.Record((long)Stopwatch.GetElapsedTime(due).TotalMicroseconds, ok, outcome);
            lock (free) free.Push(w);
            slots.Release();
        }

        var pacer = new Thread(() =>
        {
            for (long k = 0; k < total; k++)
            {
                var due = start + (long)(k * (double)Stopwatch.Frequency / rate);
                Pacing.SleepUntil(due);
                slots.Wait();
                int w;
                lock (free) w = free.Pop();
                stats.RecordLateness((long)Stopwatch.GetElapsedTime(due).TotalMicroseconds);
                requests.Add(SendAsync(w, sequences[w]++, due));
            }
        }) { IsBackground = true, Name = "open-loop pacer" };
        pacer.Start();
        await Task.Run(pacer.Join);
        await Task.WhenAll(requests);
        stats.DurationSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return stats;
    }

    public static async Task TimedAsync(EndpointStats stats, Operation operation, int worker, long seq, CancellationToken cancellationToken)
    {
        var t0 = Stopwatch.GetTimestamp();
        bool ok; string outcome;
        try { (ok, outcome) = await operation(worker, seq, cancellationToken); }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException) { (ok, outcome) = (false, ex.GetType().Name); }
        stats.Record((long)Stopwatch.GetElapsedTime(t0).TotalMicroseconds, ok, outcome);
    }
}

/// <summary>Samples the edges' CPU and RSS once a second while a phase runs.</summary>
internal sealed class ResourceSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    public List<(string Phase, string Process, double T, double CpuPercent, double RssMb)> Samples { get; } = [];
    public string Phase { get; set; } = "start";
    private readonly DateTime _t0 = DateTime.UtcNow;

    public ResourceSampler(Func<IEnumerable<ManagedProcess>> processes)
    {
        _loop = Task.Run(async () =>
        {
            while (!_cts.IsCancellationRequested)
            {
                try { await Task.Delay(1000, _cts.Token); } catch (OperationCanceledException) { return; }
                foreach (var p in processes().ToList())
                {
                    if (p.Process.HasExited) continue;
                    var (cpu, rss) = p.Sample();
                    lock (Samples) Samples.Add((Phase, p.Name, (DateTime.UtcNow - _t0).TotalSeconds, cpu, rss));
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _loop;
    }
}

/// <summary>Sleeping until an instant with the kernel's precision (tens of µs), not the runtime timer's (a millisecond and a thread hop).</summary>
internal static class Pacing
{
    private const int ClockMonotonic = 1, AbsoluteTime = 1;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, ref TimeSpec request, IntPtr remaining);

    /// <summary>Blocks the calling thread until <paramref name="timestamp"/> (<see cref="Stopwatch"/>, CLOCK_MONOTONIC on Linux).</summary>
    public static void SleepUntil(long timestamp)
    {
        if (Stopwatch.GetTimestamp() >= timestamp) return;
        var ns = (long)(timestamp * (1_000_000_000.0 / Stopwatch.Frequency));
        var request = new TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        while (ClockNanosleep(ClockMonotonic, AbsoluteTime, ref request, IntPtr.Zero) == 4) { } // EINTR: sleep on
    }
}
