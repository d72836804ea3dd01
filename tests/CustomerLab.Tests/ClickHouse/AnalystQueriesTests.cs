using System.Text.RegularExpressions;
using ClickHouse.Driver;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;

namespace CustomerLab.Tests.ClickHouse;

/// <summary>
/// Every query in docs/analyst-queries.md runs against the local ClickHouse after a small day of traffic (an ad
/// click that calls, an organic visit, an exhausted pool), so the documented queries never go stale.
/// </summary>
public sealed partial class AnalystQueriesTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryDocumentedQuery_Runs_AndTheCallQueriesFindTheCall()
    {
        var queries = ReadDocumentedQueries();
        Assert.True(queries.Count >= 8, $"docs/analyst-queries.md has {queries.Count} queries; at least 8 are promised");
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await MakeADayOfTrafficAsync(clickHouse);

        var rows = new Dictionary<string, int>();
        foreach (var (title, sql) in queries)
        {
            try
            {
                using var reader = await clickHouse.ExecuteReaderAsync(sql, cancellationToken: Ct);
                var count = 0;
                while (await reader.ReadAsync(Ct)) count++;
                rows[title] = count;
            }
            catch (ClickHouseServerException ex)
            {
                Assert.Fail($"Query \"{title}\" failed: {ex.Message}");
            }
        }

        foreach (var title in rows.Keys.Where(t => t.StartsWith("1.") || t.StartsWith("2.") || t.StartsWith("3.") || t.StartsWith("4.")
                                                || t.StartsWith("6.") || t.StartsWith("9.") || t.StartsWith("12.")
                                                || t.StartsWith("13.") || t.StartsWith("14.")))
            Assert.True(rows[title] > 0, $"Query \"{title}\" found nothing after a day with an attributed paid call");
        Assert.True(rows.Single(r => r.Key.StartsWith("5.")).Value > 0, "pool usage is empty");
    }

    private async Task MakeADayOfTrafficAsync(ClickHouseClient clickHouse)
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1), overflow: NumbersEdgeFixture.Numbers(1)[0]); // a number serves one site

        using var paid = new EdgeClient(fixture.Edge);
        const string landing = "https://www.example.com/offer?gclid=G-1&utm_source=google&utm_medium=cpc&utm_campaign=winter&pub=p7";
        using var organic = new EdgeClient(fixture.Edge);
        foreach (var visitor in new[] { paid, organic })
        {
            // Real browsers: the conversion view leaves bots out, and a client without these headers looks like one.
            visitor.Http.DefaultRequestHeaders.Add("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
            visitor.Http.DefaultRequestHeaders.Add("Accept-Language", "en-US,en;q=0.9");
        }
        var number = (await EdgeClient.JsonAsync(await paid.RequestNumberAsync(site, landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        await paid.SendPageviewAsync(site, landing, "https://www.google.com/");
        await organic.RequestNumberAsync(site, "https://www.example.com/", "https://duckduckgo.com/"); // exhausted: overflow number
        await organic.SendPageviewAsync(site, "https://www.example.com/", "https://duckduckgo.com/");

        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
                $"SELECT count() FROM pageviews FINAL WHERE site_id = '{site}'", cancellationToken: Ct)) == 2,
            TimeSpan.FromSeconds(30), "the pageviews");
        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
                $"SELECT count() FROM pool_exhaustions WHERE site_id = '{site}'", cancellationToken: Ct)) == 1,
            TimeSpan.FromSeconds(30), "the exhaustion event");

        using var http = fixture.Edge.CreateClient();
        foreach (var (callId, at) in new[] { ("an-1", DateTimeOffset.UtcNow), ("an-2", DateTimeOffset.UtcNow.AddMinutes(1)) })
        {
            var response = await CallWebhooks.SendGenericAsync(http, new
            {
                provider = "acme", callId = callId + site, from = "+16175550123", to = number, status = "completed",
                direction = "inbound", at, durationSeconds = 120,
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    private static List<(string Title, string Sql)> ReadDocumentedQueries()
    {
        var markdown = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "analyst-queries.md"));
        var queries = new List<(string, string)>();
        string title = "";
        foreach (Match m in Section().Matches(markdown))
        {
            if (m.Groups["title"].Success) title = m.Groups["title"].Value.Trim();
            else queries.Add((title, m.Groups["sql"].Value));
        }
        return queries;
    }

    [GeneratedRegex(@"^## (?<title>[^\n]+)$|```sql\n(?<sql>.*?)```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Section();
}
