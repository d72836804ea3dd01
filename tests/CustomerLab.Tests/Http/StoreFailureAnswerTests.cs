using System.Net;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Http;

/// <summary>A store failure that no endpoint catches itself is answered 503 with a problem body, never 500.</summary>
public sealed class StoreFailureAnswerTests(GarnetFixture garnet)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnExportWhileClickHouseIsDown_Is503WithAProblemAndRetryAfter_Not500()
    {
        await using var clickHouse = new ClickHouseHostFixture();
        await clickHouse.StartAsync();
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("storefailure"));
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, Numbers.NumbersEdgeFixture.Numbers(1));
        // Answered while ClickHouse is up (once the edge has migrated its schema).
        await Poll.UntilAsync(async () => (await admin.AdminAsync(HttpMethod.Get, $"/admin/exports/calls.csv?site={site}")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the export while ClickHouse is up");

        await clickHouse.StopAsync();
        using var answer = await admin.AdminAsync(HttpMethod.Get, $"/admin/exports/calls.csv?site={site}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("5", answer.Headers.RetryAfter?.ToString());
        Assert.Contains("could not be reached", await answer.Content.ReadAsStringAsync(Ct));
        Assert.Contains(edge.Logs.Lines, l => l.Contains("/admin/exports/calls.csv answered 503: a store failed", StringComparison.Ordinal));
    }
}
