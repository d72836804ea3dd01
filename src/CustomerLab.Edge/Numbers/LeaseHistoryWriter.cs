using System.Text.Json.Serialization;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Delivery;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Lease starts and ends into ClickHouse's <c>lease_history</c> through a spool of their own
/// (<c>{Delivery:SpoolPath}/{ClickHouse:Database}.lease_history</c>; <see cref="DeliveryGuarantee.DurableSpool"/>) and its own
/// <see cref="Shipper"/>: rows survive ClickHouse being down, the edge stopping and a SIGKILL, as pageviews do, and
/// are inserted once (the shipper's deduplication tokens). A request does not wait for its row's fsync: the row is
/// handed to the spool's writer, which commits it with the next group (a kill can lose only that group).
/// </summary>
internal sealed partial class LeaseHistoryWriter : IHostedService, IDisposable
{
    private static readonly ShipTarget Target = new("lease_history", LeaseHistoryRow.Columns, static row => row);

    private readonly Spool _spool;
    private readonly Shipper _shipper;
    private readonly TimeProvider _time;
    private readonly ILogger<LeaseHistoryWriter> _logger;
    private long _lost;

    public LeaseHistoryWriter(IOptions<DeliveryOptions> delivery, IOptions<ClickHouseOptions> clickHouse, global::ClickHouse.Driver.ClickHouseClient client,
        SchemaState schema, TimeProvider time, ILoggerFactory loggers)
    {
        _time = time;
        _logger = loggers.CreateLogger<LeaseHistoryWriter>();
        _spool = new Spool(Spool.DirectoryFor(delivery.Value, clickHouse.Value.Database, Target.Table), delivery.Value, metrics: null,
            loggers.CreateLogger<Spool>());
        _shipper = new Shipper(_spool, Target, client, schema, metrics: null, delivery, loggers.CreateLogger<Shipper>());
    }

    /// <summary>Rows ClickHouse has taken since start.</summary>
    public long Shipped => _shipper.Shipped;

    /// <summary>Rows in the spool that ClickHouse has not taken yet.</summary>
    public long Pending => _spool.PendingEvents;

    /// <summary>Rows the spool refused (full, or the edge stopping); each is logged.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    public void RecordStart(Lease lease) => Append(Row(lease, null, "", lease.StartedAt));

    public void RecordEnd(EndedLease ended)
    {
        // +1 ms: an end row always outranks its start row in ReplacingMergeTree, even within one millisecond.
        var now = _time.GetUtcNow();
        Append(Row(ended.Lease, ended.EndedAt, ended.Reason, (ended.EndedAt > now ? ended.EndedAt : now).AddMilliseconds(1)));
    }

    /// <summary>Hands the row to the spool without waiting for its commit; a refusal or a failed write is counted and logged.</summary>
    private void Append(LeaseHistoryRow row)
    {
        Task written;
        try { written = _spool.AppendAsync(SpoolRecords.Frame([row], LeaseHistoryJson.Default.LeaseHistoryRow), 1); }
        catch (Exception ex) when (ex is SpoolFullException or ObjectDisposedException) { Lose(row, ex.Message); return; }
        _ = LoseIfFailedAsync(written, row);
    }

    private async Task LoseIfFailedAsync(Task written, LeaseHistoryRow row)
    {
        try { await written.ConfigureAwait(false); }
        catch (IOException ex) { Lose(row, ex.Message); }
    }

    private void Lose(LeaseHistoryRow row, string error)
    {
        Interlocked.Increment(ref _lost);
        LogLost(_logger, row.LeaseId, row.EndReason.Length == 0 ? "start" : "end", error);
    }

    private static LeaseHistoryRow Row(Lease l, DateTimeOffset? endedAt, string reason, DateTimeOffset version) => new()
    {
        LeaseId = Guid.Parse(l.LeaseId), SiteId = l.SiteKey, PoolId = l.PoolId, Number = l.Number, SessionId = l.SessionId, VisitorId = l.VisitorId,
        Source = l.Source, StartedAt = l.StartedAt.UtcDateTime, LastActivityAt = l.LastActivityAt.UtcDateTime, EndedAt = endedAt?.UtcDateTime,
        EndReason = reason, Version = (ulong)version.ToUnixTimeMilliseconds(),
    };

    public Task StartAsync(CancellationToken cancellationToken) => _shipper.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _shipper.StopAsync(cancellationToken);

    public void Dispose()
    {
        _shipper.Dispose();
        _spool.Dispose();
    }

    [LoggerMessage(4010, LogLevel.Error, "lease_history: the {Kind} row of lease {LeaseId} was not spooled: {Error}", EventName = "LeaseHistoryRowLost")]
    private static partial void LogLost(ILogger logger, Guid leaseId, string kind, string error);
}

/// <summary>A <c>lease_history</c> row as the spool holds it: one JSONEachRow line with the column names.</summary>
internal sealed class LeaseHistoryRow
{
    public Guid LeaseId { get; init; }
    public string SiteId { get; init; } = "";
    public string PoolId { get; init; } = "";
    public string Number { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string VisitorId { get; init; } = "";
    public string Source { get; init; } = "";
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime StartedAt { get; init; }
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime LastActivityAt { get; init; }
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime? EndedAt { get; init; }
    public string EndReason { get; init; } = "";
    public ulong Version { get; init; }

    /// <summary>The <c>lease_history</c> columns a row fills: its JSON property names.</summary>
    internal static readonly string[] Columns = [.. LeaseHistoryJson.Default.LeaseHistoryRow.Properties.Select(p => p.Name)];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LeaseHistoryRow))]
internal sealed partial class LeaseHistoryJson : JsonSerializerContext;
