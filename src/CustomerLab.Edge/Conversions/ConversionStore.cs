using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// Writes leads and purchases to <c>conversion_events</c>, once per (site, conversion id): an id the table already
/// holds is answered as a duplicate without a second row, and two racing writes of one id share one
/// <c>insert_deduplication_token</c> (ReplacingMergeTree on the id drops whatever still gets in).
/// </summary>
internal sealed partial class ConversionStore(ClickHouseClient clickHouse, SchemaState schema, TimeProvider time, ILogger<ConversionStore> logger)
{
    /// <summary>True when stored now, false when the id was already there. Throws when ClickHouse fails.</summary>
    public async Task<bool> StoreAsync(ConversionRow row, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", row.SiteId);
        parameters.AddParameter("id", row.ConversionId);
        var existing = Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
            "SELECT count() FROM conversion_events FINAL WHERE site_id = {site:String} AND conversion_id = {id:String}",
            parameters, cancellationToken: cancellationToken));
        if (existing > 0) return false;
        var options = clickHouse.InsertOptions(schema.IsReady, deduplicationToken: $"conversion:{row.SiteId}:{row.ConversionId}");
        await clickHouse.InsertBinaryAsync("conversion_events", ConversionRow.Columns, [(row with { ReceivedAt = time.GetUtcNow().UtcDateTime }).ToRow()], options, cancellationToken: cancellationToken);
        LogStored(logger, row.SiteId, row.Type, row.Origin, row.Verified);
        return true;
    }

    [LoggerMessage(9501, LogLevel.Information, "Conversion stored: site {SiteId}, {Type} from {Origin} (verified {Verified})", EventName = "ConversionStored")]
    private static partial void LogStored(ILogger logger, string siteId, string type, string origin, bool verified);
}
