using System.Diagnostics.Metrics;

namespace CustomerLab.Edge.Record;

/// <summary>
/// The record's instruments (meter <c>CustomerLab.Edge.Record</c>) on <c>/metrics</c>: restores after a loss, reconcile
/// passes, and drift found and repaired by kind (<c>site_missing</c>, <c>config</c>, <c>number_missing</c>,
/// <c>number_extra</c>, <c>index</c>, <c>claim</c>, <c>overflow</c>, <c>adopted</c>; <c>unrecorded</c> counts sites reported, not repaired).
/// </summary>
public sealed class RecordMetrics
{
    public const string MeterName = "CustomerLab.Edge.Record";

    private readonly Counter<long> _restores;
    private readonly Counter<long> _reconciles;
    private readonly Counter<long> _drift;

    public RecordMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _restores = meter.CreateCounter<long>("customerlab_record_restores", "{restore}", "Full restores of Redis from the record (after a detected loss).");
        _reconciles = meter.CreateCounter<long>("customerlab_record_reconciles", "{pass}", "Comparisons of Redis with the record.");
        _drift = meter.CreateCounter<long>("customerlab_record_drift", "{item}", "Differences between Redis and the record found and repaired, by kind.");
    }

    public void Restored() => _restores.Add(1);

    public void Reconciled() => _reconciles.Add(1);

    public void Drift(string kind, int count)
    {
        if (count > 0) _drift.Add(count, new KeyValuePair<string, object?>("kind", kind));
    }
}
