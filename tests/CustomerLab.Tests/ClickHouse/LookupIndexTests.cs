using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.ClickHouse;

/// <summary>
/// What attribution and the repeat-caller check read, asked of ClickHouse itself (<c>EXPLAIN indexes = 1</c>) rather
/// than timed: on a site with 100,000 rows (about 13 granules), the queries the edge runs keep to the site's key range
/// and read only the granule or two that can hold the visitor or the caller, so their cost does not grow with the site's
/// history.
/// </summary>
public sealed class LookupIndexTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const int Rows = 100_000;

    [Fact]
    public async Task TheTouchesQuery_ReadsOnlyTheVisitorsGranules()
    {
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var site = TestSites.NewSiteKey();
        await clickHouse.ExecuteNonQueryAsync($"""
            INSERT INTO pageviews (event_id, site_id, event_name, timestamp, visitor_id, session_id, url)
            SELECT generateUUIDv7(number), '{site}', 'pageview', toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + number,
                   concat('v', toString(intDiv(number, 100))), concat('s', toString(intDiv(number, 100))), 'https://example.com/'
            FROM numbers({Rows})
            """, cancellationToken: Ct);
        // A second part, as a site's history has many: one more pageview of the visitor whose key sorts first. Its granule's
        // key range runs to the end of the site, so under FINAL ClickHouse's exact mode would widen the index's choice to
        // every granule of the first part.
        await clickHouse.ExecuteNonQueryAsync($"""
            INSERT INTO pageviews (event_id, site_id, event_name, timestamp, visitor_id, session_id, url)
            VALUES ('00000000-0000-7000-8000-000000000001', '{site}', 'pageview', '2026-11-01 00:00:00', 'v500', 's500', 'https://example.com/')
            """, cancellationToken: Ct);

        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site);
        parameters.AddParameter("visitor", "v500");
        parameters.AddParameter("session", "s500");
        parameters.AddParameter("at", new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc));
        parameters.AddParameter("pub", "pub");
        var (read, total) = await SkipIndexGranulesAsync(clickHouse, CallAttributor.TouchesQuery, parameters, "visitor_lookup");

        Assert.True(total >= 12, $"the site's rows should span a dozen granules, found {total}");
        Assert.InRange(read, 1, 2);
    }

    [Fact]
    public async Task ThePreviousCallsQuery_ReadsOnlyTheCallersGranules()
    {
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var site = TestSites.NewSiteKey();
        await clickHouse.ExecuteNonQueryAsync($"""
            INSERT INTO calls (site_id, call_id, started_at, caller_number)
            SELECT '{site}', concat('call', leftPad(toString(number), 8, '0')), toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + number,
                   concat('+1415555', leftPad(toString(intDiv(number, 100)), 4, '0'))
            FROM numbers({Rows})
            """, cancellationToken: Ct);

        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site);
        parameters.AddParameter("caller", "+14155550500");
        parameters.AddParameter("at", new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc));
        parameters.AddParameter("call", "none");
        var (read, total) = await SkipIndexGranulesAsync(clickHouse, CallRecorder.PreviousCallsQuery, parameters, "caller_lookup");

        Assert.True(total >= 12, $"the site's rows should span a dozen granules, found {total}");
        Assert.InRange(read, 1, 2);
    }

    [Fact]
    public async Task TheEdgesQueriesUnderFinal_ReadOnlyThePartitionsOfTheirWindow()
    {
        using var seed = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var site = TestSites.NewSiteKey();
        // A year of calls, one every 43 minutes: twelve monthly partitions.
        await seed.ExecuteNonQueryAsync($"""
            INSERT INTO calls (site_id, call_id, started_at, caller_number)
            SELECT '{site}', concat('call', toString(number)), toDateTime64('2025-12-01 00:00:00', 3, 'UTC') + number * 2592, '+14155550100'
            FROM numbers(12000)
            """, cancellationToken: Ct);

        // The export's filter (CallExportsApi), through the edge's own client: one month of the site.
        var edgeClient = fixture.Edge.Services.GetRequiredService<global::ClickHouse.Driver.ClickHouseClient>();
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site);
        parameters.AddParameter("from", new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc));
        parameters.AddParameter("to", new DateTime(2026, 10, 31, 0, 0, 0, DateTimeKind.Utc));
        var lines = await ExplainAsync(edgeClient, $"SELECT count() FROM {fixture.Edge.Database}.calls FINAL WHERE site_id = {{site:String}} " +
            "AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}", parameters);

        var partition = lines.FindIndex(l => l == "Min-Max");
        Assert.True(partition >= 0, string.Join('\n', lines));
        var section = lines.Skip(partition).ToList();
        Assert.NotEqual("Condition: true", section.First(l => l.StartsWith("Condition:", StringComparison.Ordinal)));
        var parts = section.First(l => l.StartsWith("Parts:", StringComparison.Ordinal))["Parts:".Length..].Trim().Split('/').Select(int.Parse).ToArray();
        Assert.True(parts[0] < parts[1] && parts[1] >= 12, $"FINAL should keep to the window's partitions:\n{string.Join('\n', lines)}");
    }

    /// <summary>
    /// The granules the query reads in the end (ReadFromMergeTree's <c>Granules:</c>, after every index step, FINAL's
    /// widening included) and those the named skip index was given, from the query's EXPLAIN indexes = 1.
    /// </summary>
    private static async Task<(int Read, int Total)> SkipIndexGranulesAsync(global::ClickHouse.Driver.ClickHouseClient clickHouse, string query, ClickHouseParameterCollection parameters, string index)
    {
        var lines = await ExplainAsync(clickHouse, query, parameters);
        var at = lines.FindIndex(l => l == $"Name: {index}");
        Assert.True(at >= 0, $"EXPLAIN does not use {index}:\n{string.Join('\n', lines)}");
        var given = lines.Skip(at).First(l => l.StartsWith("Granules:", StringComparison.Ordinal))["Granules:".Length..].Trim().Split('/')[1];
        var read = lines.First(l => l.StartsWith("Parts:", StringComparison.Ordinal) && l.Contains("| Granules:", StringComparison.Ordinal)).Split("Granules:")[1].Trim();
        return (int.Parse(read), int.Parse(given));
    }

    /// <summary>The lines of the query's EXPLAIN indexes = 1, trimmed.</summary>
    private static async Task<List<string>> ExplainAsync(global::ClickHouse.Driver.ClickHouseClient clickHouse, string query, ClickHouseParameterCollection parameters)
    {
        var lines = new List<string>();
        using var reader = await clickHouse.ExecuteReaderAsync("EXPLAIN indexes = 1 " + query, parameters, cancellationToken: Ct);
        while (await reader.ReadAsync(Ct)) lines.Add(reader.GetString(0).Trim());
        return lines;
    }
}
