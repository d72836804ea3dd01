using System.Net;
using System.Text.Json;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;

namespace CustomerLab.Tests.Conversions;

/// <summary>
/// A lead from the tag is a beacon, sent once: the edge answers 202 only once it is in the spool, so it reaches
/// ClickHouse after ClickHouse was down, exactly once even when the page sent it twice.
/// </summary>
public sealed class TagLeadOutageTests(GarnetFixture garnet)
{
    [Fact]
    public async Task LeadAcceptedWhileClickHouseIsDown_ArrivesOnce_WhenItIsBack()
    {
        await using var clickHouse = new ClickHouseHostFixture();
        await clickHouse.StartAsync();
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("leadschdown"));
        using var visitor = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        Assert.Equal(HttpStatusCode.OK, (await visitor.RequestNumberAsync(site, "https://www.example.com/contact")).StatusCode);

        await clickHouse.StopAsync();
        var body = JsonSerializer.Serialize(new { k = site, u = "https://www.example.com/contact", o = "form", i = "lead-outage", f = "contact", fs = new[] { "email" } });
        var first = await visitor.SendTextAsync("/v1/leads", body);
        var again = await visitor.SendTextAsync("/v1/leads", body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await clickHouse.StartAsync();

        using var client = clickHouse.CreateClient(edge.Database);
        var count = $"SELECT count() FROM conversion_events FINAL WHERE site_id = '{site}' AND conversion_id = 'lead-outage'";
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(client, count) == 1, TimeSpan.FromSeconds(60), "the lead spooled while ClickHouse was down");
        Assert.Equal(1UL, await CallsTesting.CountAsync(client, count));
        Assert.Equal("['email']", (await CallsTesting.RowOrNullAsync(client,
            $"SELECT form_fields FROM conversion_events FINAL WHERE site_id = '{site}' AND conversion_id = 'lead-outage'"))!["form_fields"]);
    }
}
