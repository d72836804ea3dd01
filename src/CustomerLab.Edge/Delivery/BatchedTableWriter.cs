using System.Threading.Channels;
using ClickHouse.Driver;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// Streams rows into one ClickHouse table in batches (up to <see cref="MaxBatchRows"/> rows or every
/// <see cref="FlushInterval"/>), once the schema is migrated, retrying with backoff while ClickHouse is down.
/// The buffer is in memory and bounded: rows beyond <see cref="Capacity"/> are counted and logged, not silently
/// lost (<see cref="DeliveryGuarantee.Buffered"/>). For low-volume operational rows; see <see cref="DeliveredTables"/>.
/// </summary>
internal abstract partial class BatchedTableWriter(ClickHouseClient client, SchemaState schema, string table, string[] columns, ILogger logger)
    : BackgroundService
{
    public const int Capacity = 100_000;
    public const int MaxBatchRows = 5_000;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts while ClickHouse fails: 5 s, so rows flow soon after it recovers.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<object?[]> _rows = Channel.CreateBounded<object?[]>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private long _dropped;
    private long _written;
    private long _failedAttempts;

    /// <summary>Rows written to ClickHouse so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Rows waiting in the buffer.</summary>
    public int Pending => _rows.Reader.Count;

    /// <summary>Insert attempts that failed (each is retried).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Rows refused because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one row, its values in the order of the columns.</summary>
    protected void Enqueue(object?[] row)
    {
        if (!_rows.Writer.TryWrite(row) && Interlocked.Increment(ref _dropped) % 1000 == 1)
            LogDropped(logger, table, Dropped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<object?[]>(MaxBatchRows);
        var reader = _rows.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                using (var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    window.CancelAfter(FlushInterval);
                    try
                    {
                        while (batch.Count < MaxBatchRows && await reader.WaitToReadAsync(window.Token))
                            while (batch.Count < MaxBatchRows && reader.TryRead(out var row)) batch.Add(row);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
                }
                await FlushAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        // Shutdown: one last attempt with what is buffered.
        while (reader.TryRead(out var row)) batch.Add(row);
        if (batch.Count > 0)
        {
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await FlushAsync(batch, last.Token); }
            catch (OperationCanceledException) { LogShutdownLoss(logger, table, batch.Count); }
        }
    }

    private async Task FlushAsync(List<object?[]> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        await schema.WhenReady(cancellationToken);
        while (batch.Count > 0)
        {
            try
            {
                await client.InsertBinaryAsync(table, columns, batch, client.InsertOptions(schema.IsReady), cancellationToken: cancellationToken);
                Interlocked.Add(ref _written, batch.Count);
                batch.Clear();
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or ClickHouseServerException
                                       || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Interlocked.Increment(ref _failedAttempts);
                LogRetry(logger, table, batch.Count, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(4001, LogLevel.Warning, "{Table}: {Rows} rows waiting, retrying in {Seconds} s: {Error}", EventName = "BatchedWriterRetry")]
    private static partial void LogRetry(ILogger logger, string table, int rows, double seconds, string error);

    [LoggerMessage(4002, LogLevel.Error, "{Table}: buffer full; {Dropped} rows dropped so far", EventName = "BatchedWriterDropped")]
    private static partial void LogDropped(ILogger logger, string table, long dropped);

    [LoggerMessage(4003, LogLevel.Error, "{Table}: {Rows} rows not written at shutdown", EventName = "BatchedWriterShutdownLoss")]
    private static partial void LogShutdownLoss(ILogger logger, string table, int rows);
}
