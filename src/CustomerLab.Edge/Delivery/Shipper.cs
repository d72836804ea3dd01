using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.ClickHouse.Migrations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// Ships a spool into its ClickHouse table (<see cref="ShipTarget"/>: the events' into <c>pageviews</c>, the lease
/// history's into <c>lease_history</c>): batches of up to <see cref="DeliveryOptions.BatchMaxRows"/> rows
/// or <see cref="DeliveryOptions.BatchMaxBytes"/> bytes, or what arrived within <see cref="DeliveryOptions.FlushIntervalMs"/>,
/// one segment at a time, in the target's format (JSONEachRow or RowBinary: the records' bytes as they are) through ClickHouse.Driver. Each batch carries
/// <c>insert_deduplication_token = "{segment}:{start}-{end}"</c>. Before an insert the batch's range is written to
/// <c>shipper.state</c>, so after a crash the same range is sent again with the same token; ClickHouse drops it if it
/// already has it (and ReplacingMergeTree on the event id catches anything else). Transient failures are retried
/// with backoff; a batch rejected as malformed is split until the bad rows are alone, and those go to the dead-letter
/// file with the error while the rest flows.
/// </summary>
internal sealed partial class Shipper(
    Spool spool, ShipTarget target, ClickHouseClient client, SchemaState schema, DeliveryMetrics? metrics, IOptions<DeliveryOptions> options,
    ILogger<Shipper> logger)
    : BackgroundService
{
    /// <summary>ClickHouse error codes that mean "this data cannot be inserted as it is", not "try again later".</summary>
    private static readonly HashSet<int> MalformedCodes =
    [
        6, 26, 27, 32, 33, 38, 41, 53, 69, 70, 72, 117, 131, 321, 349, 469, // parse, type, range, constraint errors
    ];

    private readonly DeliveryOptions _options = options.Value;
    private readonly string _statePath = Path.Combine(spool.Directory, "shipper.state");
    private long _shipped;
    private byte[] _batchBuffer = new byte[64 * 1024]; // the batch being shipped, reused (see Spool.Read)

    /// <summary>Rows ClickHouse acknowledged since start.</summary>
    public long Shipped => Interlocked.Read(ref _shipped);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var (segment, offset, inflightEnd) = LoadState();
        spool.DropBefore(segment);
        if (offset > 0 && spool.Readable(segment) is { Segment: var s } && s == segment)
            spool.ForgetShipped(spool.CountRecords(segment, 0, offset));
        long firstSeenTick = 0;
        try
        {
            await schema.WhenReady(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (spool.Readable(segment) is not { } readable)
                {
                    await spool.Appended.WaitAsync(TimeSpan.FromMilliseconds(200), stoppingToken);
                    continue;
                }
                if (readable.Segment != segment) (segment, offset, inflightEnd) = (readable.Segment, 0, 0);
                var available = readable.End - offset;
                if (available <= 0)
                {
                    if (readable.Sealed) { spool.Acknowledge(segment, offset, 0); segment++; offset = 0; inflightEnd = 0; continue; }
                    await spool.Appended.WaitAsync(TimeSpan.FromMilliseconds(200), stoppingToken);
                    continue;
                }
                // Time-based batching: a small batch waits up to the flush interval for more events.
                if (inflightEnd == 0 && !readable.Sealed && available < _options.BatchMaxBytes)
                {
                    if (firstSeenTick == 0) firstSeenTick = Environment.TickCount64;
                    var left = _options.FlushIntervalMs - (Environment.TickCount64 - firstSeenTick);
                    if (left > 0)
                    {
                        // A timer, not the commit signal: at thousands of commits a second, waking for each only to
                        // find the batch not yet full costs more than the check every 100 ms.
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, 100)), stoppingToken);
                        continue;
                    }
                }
                firstSeenTick = 0;
                var end = inflightEnd > offset ? Math.Min(inflightEnd, readable.End) : readable.End;
                var records = spool.Read(segment, offset, end, inflightEnd > offset ? int.MaxValue : _options.BatchMaxRows,
                    inflightEnd > offset ? int.MaxValue : _options.BatchMaxBytes, ref _batchBuffer);
                if (records.Count == 0) { offset = end; continue; }
                var batchEnd = records[^1].End;
                SaveState(segment, offset, batchEnd);
                await ShipAsync(records, stoppingToken);
                offset = batchEnd;
                inflightEnd = 0;
                SaveState(segment, offset, offset);
                spool.Acknowledge(segment, offset, records.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is not shipped stays in the spool and goes out after the next start.
        }
    }

    /// <summary>Inserts the records, retrying transient failures; splits a malformed batch and dead-letters its bad rows.</summary>
    private async Task ShipAsync(List<SpoolRecord> records, CancellationToken cancellationToken)
    {
        if (target.Deliver is { } deliver) { await deliver(records, cancellationToken); return; }
        var rows = new List<SpoolRecord>(records.Count);
        foreach (var record in records)
        {
            var row = record.Payload is { } payload ? Row(payload) : null;
            if (row is null) { DeadLetter([record], $"the spool record is damaged or not a {target.Table} row"); continue; }
            rows.Add(row.Value.Equals(record.Payload!.Value) ? record : record with { Payload = row });
        }
        if (rows.Count > 0) await InsertAsync(rows, cancellationToken);
    }

    private ReadOnlyMemory<byte>? Row(ReadOnlyMemory<byte> payload)
    {
        try { return target.AsRow(payload); }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// One <c>INSERT INTO {table} (columns) FORMAT {format}</c> whose body is the rows' bytes as the spool holds them
    /// (a newline after each for JSONEachRow): nothing is decoded or re-encoded on the way.
    /// </summary>
    private async Task InsertAsync(List<SpoolRecord> records, CancellationToken cancellationToken)
    {
        var token = string.Create(CultureInfo.InvariantCulture, $"{records[0].Segment}:{records[0].Offset}-{records[^1].End}");
        var delay = TimeSpan.FromMilliseconds(100);
        var maxDelay = TimeSpan.FromMilliseconds(_options.MaxRetryDelayMs);
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var options = new QueryOptions
                {
                    // The deduplication token covers exactly this batch; a retry after a crash sends the same range.
                    CustomSettings = new Dictionary<string, object> { ["insert_deduplication_token"] = token },
                };
                using var response = await client.InsertRawStreamAsync(target.Table, new RecordLinesStream(records, newlines: target.Format == "JSONEachRow"), target.Format, target.Columns,
                    client.Settings.UseCompression, options, cancellationToken);
                metrics?.Batch(records.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
                Interlocked.Add(ref _shipped, records.Count);
                LogShipped(logger, records.Count, target.Table, token);
                return;
            }
            catch (ClickHouseServerException ex) when (MalformedCodes.Contains(ex.ErrorCode))
            {
                metrics?.ClickHouseError("malformed");
                LogMalformed(logger, records.Count, target.Table, token, ex.ErrorCode, ex.Message);
                if (records.Count == 1) { DeadLetter(records, $"ClickHouse error {ex.ErrorCode}: {ex.Message}"); return; }
                var half = records.Count / 2;
                await InsertAsync(records[..half], cancellationToken);
                await InsertAsync(records[half..], cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or ClickHouseServerException or InvalidOperationException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                metrics?.ClickHouseError("transient");
                LogRetry(logger, records.Count, target.Table, token, delay.TotalSeconds, ex.GetType().Name, ex.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
            }
        }
    }

    private void DeadLetter(IReadOnlyList<SpoolRecord> records, string error)
    {
        var directory = _options.DeadLetterPath.Length > 0 ? _options.DeadLetterPath : Path.Combine(spool.Directory, "dead-letter");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"dead-letter-{DateTime.UtcNow:yyyyMMdd}.jsonl");
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append("{\"error\":").Append(JsonSerializer.Serialize(error, DeliveryJson.Default.String))
                .Append(",\"segment\":").Append(record.Segment.ToString(CultureInfo.InvariantCulture))
                .Append(",\"offset\":").Append(record.Offset.ToString(CultureInfo.InvariantCulture))
                .Append(",\"event\":");
            var json = record.Payload is { } payload ? target.AsJson(payload) : null;
            text.Append(json ?? "null");
            // Bytes that are not a row this edge can read (damaged, or a newer edge's record) are kept, not dropped.
            if (json is null && record.Payload is { } raw) text.Append(",\"payload_base64\":\"").Append(Convert.ToBase64String(raw.Span)).Append('"');
            text.Append("}\n");
        }
        using (var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }
        metrics?.DeadLettered(records.Count);
        LogDeadLettered(logger, records.Count, target.Table, path, error);
    }

    private (long Segment, long Offset, long InflightEnd) LoadState()
    {
        try
        {
            var parts = File.ReadAllText(_statePath).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 3)
                return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        catch (FileNotFoundException) { }
        catch (FormatException ex) { LogBadState(logger, _statePath, ex.Message); }
        return (0, 0, 0);
    }

    /// <summary>Writes <c>segment start end</c> atomically (<see cref="SpoolFiles.ReplaceDurably"/>).</summary>
    private void SaveState(long segment, long start, long end) =>
        SpoolFiles.ReplaceDurably(_statePath, string.Create(CultureInfo.InvariantCulture, $"{segment} {start} {end}\n"));

    [LoggerMessage(6201, LogLevel.Debug, "Shipped {Rows} rows to ClickHouse {Table} (token {Token})", EventName = "EventsShipped")]
    private static partial void LogShipped(ILogger logger, int rows, string table, string token);

    [LoggerMessage(6202, LogLevel.Warning, "ClickHouse insert of {Rows} rows into {Table} (token {Token}) failed, transient; retrying in {Seconds} s: {Kind}: {Error}", EventName = "ShipperTransientError")]
    private static partial void LogRetry(ILogger logger, int rows, string table, string token, double seconds, string kind, string error);

    [LoggerMessage(6203, LogLevel.Error, "ClickHouse rejected {Rows} rows for {Table} (token {Token}) as malformed, code {Code}: {Error}", EventName = "ShipperMalformedBatch")]
    private static partial void LogMalformed(ILogger logger, int rows, string table, string token, int code, string error);

    [LoggerMessage(6204, LogLevel.Error, "{Rows} {Table} rows written to the dead-letter file {Path}: {Error}", EventName = "EventsDeadLettered")]
    private static partial void LogDeadLettered(ILogger logger, int rows, string table, string path, string error);

    [LoggerMessage(6205, LogLevel.Warning, "Shipper state {Path} unreadable ({Error}); shipping the spool from its start (duplicates are dropped by ClickHouse)", EventName = "ShipperBadState")]
    private static partial void LogBadState(ILogger logger, string path, string error);
}

/// <summary>The dead-letter file's own JSON (the error text).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class DeliveryJson : System.Text.Json.Serialization.JsonSerializerContext;
