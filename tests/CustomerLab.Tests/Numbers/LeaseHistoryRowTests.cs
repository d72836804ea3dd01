using System.Text.Json;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Numbers;

namespace CustomerLab.Tests.Numbers;

/// <summary>A lease history row as its spool holds it: one JSONEachRow line with the <c>lease_history</c> columns.</summary>
public sealed class LeaseHistoryRowTests
{
    [Fact]
    public void Columns_AreTheTablesColumns_InTheMigrationsOrder()
    {
        var migration = File.ReadAllText(Path.Combine(CustomerLab.Tests.Fixtures.RepoPaths.Root, "src", "CustomerLab.Edge", "ClickHouse", "Migrations", "0001_lease_history.sql"));
        var body = migration[(migration.IndexOf("CREATE TABLE", StringComparison.Ordinal))..migration.IndexOf("ENGINE", StringComparison.Ordinal)];
        var columns = body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && char.IsLower(l[0])).Select(l => l.Split(' ')[0]).ToArray();

        Assert.Equal(columns, LeaseHistoryRow.Columns);
    }

    [Fact]
    public void StartAndEndRows_AreWrittenAsClickHouseReadsThem()
    {
        // System.Text.Json escapes '+' (\u002B); ClickHouse's JSON reader unescapes it.
        var start = new LeaseHistoryRow
        {
            LeaseId = Guid.Parse("019ad0c1-2b3c-7d4e-8f50-617283940a1b"), SiteId = "acme", PoolId = "paid", Number = "+12025550123",
            SessionId = "s1", VisitorId = "v1", Source = "google/cpc", StartedAt = new DateTime(2026, 11, 29, 16, 0, 0, 123, DateTimeKind.Utc),
            LastActivityAt = new DateTime(2026, 11, 29, 16, 5, 0, 0, DateTimeKind.Utc), Version = 1_796_000_000_123,
        };
        var end = new LeaseHistoryRow { LeaseId = start.LeaseId, EndedAt = new DateTime(2026, 11, 29, 16, 35, 0, 7, DateTimeKind.Utc), EndReason = "expired" };

        Assert.Equal("""{"lease_id":"019ad0c1-2b3c-7d4e-8f50-617283940a1b","site_id":"acme","pool_id":"paid","number":"\u002B12025550123","session_id":"s1","visitor_id":"v1","source":"google/cpc","started_at":"2026-11-29 16:00:00.123","last_activity_at":"2026-11-29 16:05:00.000","ended_at":null,"end_reason":"","version":1796000000123}""",
            Line(start));
        using var parsed = JsonDocument.Parse(Line(end));
        Assert.Equal("2026-11-29 16:35:00.007", parsed.RootElement.GetProperty("ended_at").GetString());
        Assert.Equal("expired", parsed.RootElement.GetProperty("end_reason").GetString());
    }

    /// <summary>The record's payload: the framed bytes after the spool's header.</summary>
    private static string Line(LeaseHistoryRow row) =>
        System.Text.Encoding.UTF8.GetString(SpoolRecords.Frame([row], LeaseHistoryJson.Default.LeaseHistoryRow).AsSpan(Spool.HeaderBytes));
}
