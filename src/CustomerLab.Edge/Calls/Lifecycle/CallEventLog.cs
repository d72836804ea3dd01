using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Delivery;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls.Lifecycle;

/// <summary>
/// The durable path of call events: a webhook is acknowledged once its event is in a spool of its own
/// (<c>{Delivery:SpoolPath}/{ClickHouse:Database}.call_events</c>, the <c>Delivery</c> settings, fsync'ed per group commit; <see cref="DeliveryGuarantee.DurableSpool"/>),
/// and a <see cref="Shipper"/> hands the spooled events, in order, to <see cref="CallEventProcessor"/>, which attributes
/// each and stores the call, retrying while Redis or ClickHouse is down. Events survive the stores being down, the
/// edge stopping and a SIGKILL; the shipper's saved position replays at most the batch in flight, which the call
/// state makes harmless (<see cref="CallRecorder.ApplyAsync"/>).
/// </summary>
internal sealed class CallEventLog : IHostedService, IDisposable
{
    private readonly Spool _spool;
    private readonly Shipper _shipper;

    public CallEventLog(IOptions<DeliveryOptions> delivery, IOptions<ClickHouseOptions> clickHouse, global::ClickHouse.Driver.ClickHouseClient client,
        SchemaState schema, CallEventProcessor processor, ILoggerFactory loggers)
    {
        var target = new ShipTarget("calls", [], static row => row) { Deliver = processor.DeliverAsync };
        _spool = new Spool(Spool.DirectoryFor(delivery.Value, clickHouse.Value.Database, "call_events"), delivery.Value, metrics: null,
            loggers.CreateLogger<Spool>());
        _shipper = new Shipper(_spool, target, client, schema, metrics: null, delivery, loggers.CreateLogger<Shipper>());
    }

    /// <summary>Events spooled but not yet stored.</summary>
    public long Pending => _spool.PendingEvents;

    /// <summary>Completes when the event is durable; throws <see cref="SpoolFullException"/> or <see cref="IOException"/> when it cannot be.</summary>
    public Task AppendAsync(CallEvent e) => _spool.AppendAsync(SpoolRecords.Frame([e], CallJson.Default.CallEvent), 1);

    public Task StartAsync(CancellationToken cancellationToken) => _shipper.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _shipper.StopAsync(cancellationToken);

    public void Dispose()
    {
        _shipper.Dispose();
        _spool.Dispose();
    }
}
