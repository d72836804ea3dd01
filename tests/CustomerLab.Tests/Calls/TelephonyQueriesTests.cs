using System.Text.RegularExpressions;
using ClickHouse.Driver;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Calls;

/// <summary>Every SQL example in docs/telephony.md (recordings, texts, payouts) runs against the migrated schema, so none goes stale.</summary>
public sealed partial class TelephonyQueriesTests(PhoneEdgeFixture fixture) : IClassFixture<PhoneEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EverySqlExampleOfTheTelephonyPage_Runs()
    {
        var markdown = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "telephony.md"), Ct);
        var queries = SqlBlock().Matches(markdown).Select(m => m.Groups["sql"].Value).ToList();
        Assert.True(queries.Count >= 3, $"docs/telephony.md has {queries.Count} SQL examples; recordings, texts and payouts each have one");
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        using (var http = fixture.Edge.CreateClient()) await fixture.Edge.WaitReadyAsync(http);

        foreach (var sql in queries)
        {
            try
            {
                using var reader = await clickHouse.ExecuteReaderAsync(sql, cancellationToken: Ct);
                while (await reader.ReadAsync(Ct)) { }
            }
            catch (ClickHouseServerException ex)
            {
                Assert.Fail($"Query failed: {ex.Message}\n{sql}");
            }
        }
    }

    [GeneratedRegex(@"```sql\n(?<sql>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
