using ClickHouse.Driver;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Lease starts and ends into ClickHouse's <c>lease_history</c>, batched (see <see cref="BatchedTableWriter"/>).
/// A lease row lost to a crash is not fatal: the end is written again by whichever edge reclaims the lease.
/// </summary>
internal sealed class LeaseHistoryWriter(ClickHouseClient client, SchemaState schema, TimeProvider time, ILogger<LeaseHistoryWriter> logger)
    : BatchedTableWriter(client, schema, "lease_history", Columns, logger)
{
    private static readonly string[] Columns =
        ["lease_id", "site_id", "pool_id", "number", "session_id", "visitor_id", "source", "started_at", "last_activity_at", "ended_at", "end_reason", "version"];

    public void RecordStart(Lease lease) => Enqueue(Row(lease, null, "", lease.StartedAt));

    public void RecordEnd(EndedLease ended) =>
        // +1 ms: an end row always outranks its start row in ReplacingMergeTree, even within one millisecond.
        Enqueue(Row(ended.Lease, ended.EndedAt, ended.Reason, (ended.EndedAt > time.GetUtcNow() ? ended.EndedAt : time.GetUtcNow()).AddMilliseconds(1)));

    private static object?[] Row(Lease l, DateTimeOffset? endedAt, string reason, DateTimeOffset version) =>
    [
        Guid.Parse(l.LeaseId), l.SiteKey, l.PoolId, l.Number, l.SessionId, l.VisitorId, l.Source,
        l.StartedAt.UtcDateTime, l.LastActivityAt.UtcDateTime, endedAt?.UtcDateTime, reason, (ulong)version.ToUnixTimeMilliseconds(),
    ];
}
