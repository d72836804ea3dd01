using System.Text.Json.Serialization;
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
    private static readonly ShipTarget Target = ShipTarget.AsIs("conversion_events", ConversionRecord.Columns);

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
        _spool.AppendAsync(SpoolRecords.Frame([ConversionRecord.From(row, _time.GetUtcNow())], ConversionRecordJson.Default.ConversionRecord), 1);

    public Task StartAsync(CancellationToken cancellationToken) => _shipper.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _shipper.StopAsync(cancellationToken);

    public void Dispose()
    {
        _shipper.Dispose();
        _spool.Dispose();
    }
}

/// <summary>A <c>conversion_events</c> row as the spool holds it: one JSONEachRow line with the column names.</summary>
internal sealed class ConversionRecord
{
    public string ConversionId { get; init; } = "";
    public string SiteId { get; init; } = "";
    public string Type { get; init; } = "";
    public string Origin { get; init; } = "";
    public bool Verified { get; init; }
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime OccurredAt { get; init; }
    public string VisitorId { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string PageUrl { get; init; } = "";
    public string FormId { get; init; } = "";
    public IReadOnlyList<string> FormFields { get; init; } = [];
    public string EmailSha256 { get; init; } = "";
    public string PhoneSha256 { get; init; } = "";
    public decimal Value { get; init; }
    public string Currency { get; init; } = "";
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime ReceivedAt { get; init; }

    /// <summary>The <c>conversion_events</c> columns a record fills: its JSON property names.</summary>
    internal static readonly string[] Columns = [.. ConversionRecordJson.Default.ConversionRecord.Properties.Select(p => p.Name)];

    public static ConversionRecord From(ConversionRow row, DateTimeOffset receivedAt) => new()
    {
        ConversionId = row.ConversionId, SiteId = row.SiteId, Type = row.Type, Origin = row.Origin, Verified = row.Verified,
        OccurredAt = row.OccurredAt.UtcDateTime, VisitorId = row.VisitorId, SessionId = row.SessionId, PageUrl = row.PageUrl, FormId = row.FormId,
        FormFields = row.FormFields, EmailSha256 = row.EmailSha256, PhoneSha256 = row.PhoneSha256, Value = row.Value, Currency = row.Currency,
        ReceivedAt = receivedAt.UtcDateTime,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ConversionRecord))]
internal sealed partial class ConversionRecordJson : JsonSerializerContext;
