using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using CustomerLab.Tests.Tag;

namespace CustomerLab.Tests.Reports;

/// <summary>
/// The report page's table of conversions by channel and type (issue 21), in Chromium against the real edge and
/// ClickHouse: a visitor from an email campaign calls, sends a form (a lead the page reports: unverified) and buys (a
/// purchase from the client's server: verified), and the table the page draws shows each in the email row and column.
/// </summary>
public sealed class ConversionsReportBrowserTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Landing = "https://www.example.com/offer?utm_source=newsletter&utm_medium=email&utm_campaign=spring";

    [Fact]
    public async Task ReportPage_DrawsACallALeadAndAPurchase_ByChannelAndType_WithTheLeadMarkedUnverified()
    {
        await fixture.WaitReadyAsync();
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        using var visitor = new EdgeClient(http);
        var site = TagBrowserFixture.NewSiteKey();
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, Landing))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, Landing, title: "Offer")).StatusCode);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE site_id = '{site}'") == 1,
            TimeSpan.FromSeconds(30), "the visitor's pageview in ClickHouse");

        var call = await CallWebhooks.SendGenericAsync(fixture.Http, new
        {
            provider = "acme", callId = "report-" + Guid.NewGuid().ToString("N"), from = "+16175550123", to = number, status = "completed", direction = "inbound",
            durationSeconds = 42,
        });
        Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync(Ct));
        var lead = await visitor.SendTextAsync("/v1/leads", JsonSerializer.Serialize(new
        {
            k = site, u = "https://www.example.com/contact", o = "form", i = "lead-" + Guid.NewGuid().ToString("N"), f = "contact", fs = new[] { "name", "email" },
        }));
        Assert.Equal(HttpStatusCode.Accepted, lead.StatusCode);
        var token = (await EdgeClient.JsonAsync(await visitor.SendTextAsync("/v1/visitor", JsonSerializer.Serialize(new { k = site, u = Landing }))))
            .GetProperty("token").GetString()!;
        var secret = (await EdgeClient.JsonAsync(await visitor.AdminAsync(HttpMethod.Post, $"/admin/sites/{site}/conversion-secret"))).GetProperty("secret").GetString()!;
        using var purchase = new HttpRequestMessage(HttpMethod.Post, "/v1/conversions")
        {
            Content = JsonContent.Create(new { site, type = "purchase", orderId = "R-1", value = 25, currency = "USD", visitor = token }),
        };
        purchase.Headers.Authorization = new("Bearer", secret);
        Assert.Equal(HttpStatusCode.Created, (await fixture.Http.SendAsync(purchase, Ct)).StatusCode);
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM conversions WHERE site_id = '{site}'") == 3,
            TimeSpan.FromSeconds(30), "the call, the lead and the purchase in the conversions view");

        await using var context = await fixture.NewContextAsync();
        var report = await ReportSignIn.OpenAsync(fixture, context, site);

        // What the page drew: the table's header and rows as the analyst reads them.
        Assert.Equal(["Channel", "Calls", "Texts", "Leads", "Purchases"], await report.Locator("#conversions thead th").AllInnerTextsAsync());
        var rows = await report.Locator("#conversions tbody tr").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => Array.from(r.cells, c => c.innerText))");
        Assert.Equal([["email", "1", "0", "1 (1 unverified)", "1"]], rows);
        Assert.Equal(1, await report.Locator("#conversions .unverified").CountAsync());
    }
}
