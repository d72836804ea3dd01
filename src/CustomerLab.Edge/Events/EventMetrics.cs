using System.Diagnostics.Metrics;

namespace CustomerLab.Edge.Events;

/// <summary>
/// The collect endpoint's instruments (meter <c>CustomerLab.Edge.Events</c>), exported on <c>/metrics</c> in
/// Prometheus format: events accepted and rejected (by reason). The spool's and shipper's are
/// <see cref="Delivery.DeliveryMetrics"/>.
/// </summary>
internal sealed class EventMetrics
{
    public const string MeterName = "CustomerLab.Edge.Events";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;

    public EventMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("customerlab_events_accepted", "{event}", "Events durable in the spool (answered 202).");
        _rejected = meter.CreateCounter<long>("customerlab_events_rejected", "{event}", "Events or requests refused, by reason.");
    }

    public void Accepted(int events) => _accepted.Add(events);

    public void Rejected(string reason, int events = 1) => _rejected.Add(events, new KeyValuePair<string, object?>("reason", reason));
}
