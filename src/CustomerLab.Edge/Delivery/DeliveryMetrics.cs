using System.Diagnostics.Metrics;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The pageviews' spool and shipper instruments (meter <c>CustomerLab.Edge.Delivery</c>), exported on <c>/metrics</c>:
/// group commits, spool depth and bytes, batch sizes and latencies, ClickHouse errors (transient or malformed),
/// dead-lettered rows. Other tables' spools run without them.
/// </summary>
internal sealed class DeliveryMetrics
{
    public const string MeterName = "CustomerLab.Edge.Delivery";

    private readonly Counter<long> _spoolCommits;
    private readonly Histogram<long> _commitBytes;
    private readonly Histogram<long> _batchRows;
    private readonly Histogram<double> _batchSeconds;
    private readonly Counter<long> _shipped;
    private readonly Counter<long> _clickHouseErrors;
    private readonly Counter<long> _deadLettered;
    private readonly Meter _meter;

    public DeliveryMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _spoolCommits = _meter.CreateCounter<long>("customerlab_spool_commits", "{commit}", "Group commits (one write and fsync for many requests).");
        _commitBytes = _meter.CreateHistogram<long>("customerlab_spool_commit_bytes", "By", "Bytes written by one group commit.");
        _batchRows = _meter.CreateHistogram<long>("customerlab_shipper_batch_rows", "{row}", "Rows in one ClickHouse insert.");
        _batchSeconds = _meter.CreateHistogram<double>("customerlab_shipper_batch_seconds", "s", "Time of one successful ClickHouse insert.");
        _shipped = _meter.CreateCounter<long>("customerlab_events_shipped", "{event}", "Events ClickHouse acknowledged.");
        _clickHouseErrors = _meter.CreateCounter<long>("customerlab_clickhouse_errors", "{error}", "Failed ClickHouse inserts, by kind (transient, malformed).");
        _deadLettered = _meter.CreateCounter<long>("customerlab_events_dead_lettered", "{event}", "Events written to the dead-letter file.");
    }

    public void SpoolCommit(int writes, long bytes)
    {
        _spoolCommits.Add(1);
        _commitBytes.Record(bytes);
    }

    public void Batch(int rows, double seconds)
    {
        _batchRows.Record(rows);
        _batchSeconds.Record(seconds);
        _shipped.Add(rows);
    }

    public void ClickHouseError(string kind) => _clickHouseErrors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void DeadLettered(int events) => _deadLettered.Add(events);

    /// <summary>Gauges read from the spool when scraped.</summary>
    public void ObserveSpool(Func<long> events, Func<long> bytes, long quota)
    {
        _meter.CreateObservableGauge("customerlab_spool_events", events, "{event}", "Events in the spool not yet acknowledged by ClickHouse.");
        _meter.CreateObservableGauge("customerlab_spool_bytes", bytes, "By", "Bytes of the spool's segment files on disk.");
        _meter.CreateObservableGauge("customerlab_spool_quota_bytes", () => quota, "By", "The spool's disk quota (Delivery:SpoolQuotaBytes).");
    }
}
