using System.Diagnostics.Metrics;

namespace CustomerLab.Edge.Events;

/// <summary>
/// The collect pipeline's instruments (meter <c>CustomerLab.Edge.Events</c>), exported on <c>/metrics</c> in
/// Prometheus format: events accepted and rejected (by reason), spool depth and bytes, batch sizes and
/// latencies, ClickHouse errors (transient or fatal), dead-lettered events.
/// </summary>
internal sealed class EventMetrics
{
    public const string MeterName = "CustomerLab.Edge.Events";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _spoolCommits;
    private readonly Histogram<long> _commitBytes;
    private readonly Histogram<long> _batchRows;
    private readonly Histogram<double> _batchSeconds;
    private readonly Counter<long> _shipped;
    private readonly Counter<long> _clickHouseErrors;
    private readonly Counter<long> _deadLettered;
    private readonly Meter _meter;

    public EventMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _accepted = _meter.CreateCounter<long>("customerlab_events_accepted", "{event}", "Events durable in the spool (answered 202).");
        _rejected = _meter.CreateCounter<long>("customerlab_events_rejected", "{event}", "Events or requests refused, by reason.");
        _spoolCommits = _meter.CreateCounter<long>("customerlab_spool_commits", "{commit}", "Group commits (one write and fsync for many requests).");
        _commitBytes = _meter.CreateHistogram<long>("customerlab_spool_commit_bytes", "By", "Bytes written by one group commit.");
        _batchRows = _meter.CreateHistogram<long>("customerlab_shipper_batch_rows", "{row}", "Rows in one ClickHouse insert.");
        _batchSeconds = _meter.CreateHistogram<double>("customerlab_shipper_batch_seconds", "s", "Time of one successful ClickHouse insert.");
        _shipped = _meter.CreateCounter<long>("customerlab_events_shipped", "{event}", "Events ClickHouse acknowledged.");
        _clickHouseErrors = _meter.CreateCounter<long>("customerlab_clickhouse_errors", "{error}", "Failed ClickHouse inserts, by kind (transient, malformed).");
        _deadLettered = _meter.CreateCounter<long>("customerlab_events_dead_lettered", "{event}", "Events written to the dead-letter file.");
    }

    public void Accepted(int events) => _accepted.Add(events);

    public void Rejected(string reason, int events = 1) => _rejected.Add(events, new KeyValuePair<string, object?>("reason", reason));

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
        _meter.CreateObservableGauge("customerlab_spool_quota_bytes", () => quota, "By", "The spool's disk quota (Events:SpoolQuotaBytes).");
    }
}
