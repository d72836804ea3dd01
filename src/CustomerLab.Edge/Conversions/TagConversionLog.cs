using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Delivery;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// Leads and page-reported conversions from the tag go to <c>conversion_events</c> through a spool of their own
/// (<c>{Delivery:SpoolPath}/{ClickHouse:Database}.conversion_events</c>; <see cref="DeliveryGuarantee.DurableSpool"/>):
/// a beacon is never sent twice, so the edge answers 202 only once the row is on disk, and the row survives ClickHouse
/// being down, the edge stopping and a SIGKILL. A lead the page sends again (same event id) is dropped by the table's
/// ReplacingMergeTree. Server-side conversions keep their synchronous store: their sender retries and wants to know
/// whether an order id was new.
/// </summary>
internal sealed class TagConversionLog : IHostedService, IDisposable
{
    private static readonly ShipTarget Target = ShipTarget.AsIs("conversion_events", ConversionRow.Columns);

    private readonly Spool _spool;
    private readonly Shipper _shipper;
    private readonly TimeProvider _time;

    public TagConversionLog(IOptions<DeliveryOptions> delivery, IOptions<ClickHouseOptions> clickHouse, global::ClickHouse.Driver.ClickHouseClient client,
        SchemaState schema, TimeProvider time, ILoggerFactory loggers)
    {
        _time = time;
        _spool = new Spool(Spool.DirectoryFor(delivery.Value, clickHouse.Value.Database, Target.Table), delivery.Value, metrics: null,
            loggers.CreateLogger<Spool>());
        _shipper = new Shipper(_spool, Target, client, schema, metrics: null, delivery, loggers.CreateLogger<Shipper>());
    }

    /// <summary>Rows in the spool that ClickHouse has not taken yet.</summary>
    public long Pending => _spool.PendingEvents;

    /// <summary>Completes when the row is durable; throws <see cref="SpoolFullException"/> or <see cref="IOException"/> when it cannot be.</summary>
    public Task AppendAsync(ConversionRow row) =>
        _spool.AppendAsync(SpoolRecords.Frame([row with { ReceivedAt = _time.GetUtcNow().UtcDateTime }], ConversionRowJson.Default.ConversionRow), 1);

    public Task StartAsync(CancellationToken cancellationToken) => _shipper.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _shipper.StopAsync(cancellationToken);

    public void Dispose()
    {
        _shipper.Dispose();
        _spool.Dispose();
    }
}
