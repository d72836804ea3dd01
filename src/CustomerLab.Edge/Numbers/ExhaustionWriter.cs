using ClickHouse.Driver;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Each time a session finds its pool exhausted (once per stay without a number, as the pool script counts it),
/// a row in ClickHouse's <c>pool_exhaustions</c>, so analysts can size pools over time
/// (<see cref="DeliveryGuarantee.Buffered"/>: operational rows, a killed edge may lose the last second).
/// </summary>
internal sealed class ExhaustionWriter(ClickHouseClient client, SchemaState schema, ILogger<ExhaustionWriter> logger)
    : BatchedTableWriter(client, schema, "pool_exhaustions", ["site_id", "pool_id", "session_id", "at"], logger)
{
    public void RecordExhausted(string siteKey, string poolId, string sessionId, DateTimeOffset at) =>
        Enqueue([siteKey, poolId, sessionId, at.UtcDateTime]);
}
