using System.Text.Json;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Tag;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Reports;

/// <summary>
/// The whole loop in a real browser (Debian Chromium): an ad click lands on a page with the tag, the tag shows a
/// leased number and sends the pageview, the visitor calls that number, the call is attributed to the browser's
/// session and gclid, and the report page draws it.
/// </summary>
public sealed class CallJourneyBrowserTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdClickThatCalls_IsAttributedToTheBrowserSessionAndGclid_AndTheReportDrawsIt()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], ["+12025550140", "+12025550141"], "+12025550199");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var url = await fixture.ServePageAsync(context, "/landing?gclid=BROWSER-GCLID&utm_source=google&utm_medium=cpc&utm_campaign=journey",
            $"<!doctype html><html><head><title>Landing</title>{fixture.TagScript(site)}</head><body><p>Call us: <a href=\"tel:+12025550198\">(202) 555-0198</a></p></body></html>");

        await page.GotoAsync(url);
        var answer = await TagBrowserFixture.AnswerAsync(page);
        Assert.NotNull(answer);
        var number = answer.Value.GetProperty("number").GetString()!;
        await page.WaitForFunctionAsync($"() => document.body.innerText.includes('{answer.Value.GetProperty("national").GetString()}')");
        var session = (await context.CookiesAsync()).Single(c => c.Name == "_clsid").Value.Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
                $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'", cancellationToken: Ct)) >= 1,
            TimeSpan.FromSeconds(30), "the tag's pageview in ClickHouse");

        var callId = "journey-" + Guid.NewGuid().ToString("N");
        var call = await CallWebhooks.SendGenericAsync(fixture.Http, new
        {
            provider = "acme", callId, from = "+16175550123", to = number, status = "completed", direction = "inbound", durationSeconds = 61,
        });
        Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync(Ct));

        using (var reader = await clickHouse.ExecuteReaderAsync(
                   $"SELECT session_id, gclid, attribution_status, last_campaign FROM calls FINAL WHERE call_id = '{callId}'", cancellationToken: Ct))
        {
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal((session, "BROWSER-GCLID", "attributed", "journey"), (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        // An analyst created with the CLI signs in; the report page draws its four charts with this call in them.
        var report = await ReportSignIn.OpenAsync(fixture, context, site);
        var drawn = JsonDocument.Parse(await report.EvaluateAsync<string>("() => JSON.stringify(window.__report)")).RootElement;
        var shot = Path.Combine(AppContext.BaseDirectory, "screenshots", "report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await report.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });

        Assert.Equal(4, drawn.GetProperty("charts").GetInt32());
        Assert.True(drawn.GetProperty("calls").GetInt32() >= 1);
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is empty");
        // What is on the canvases, not a flag the page sets itself: the call's bar (its channel, paid, is the first and
        // only series: blue) and the conversion bar of its source (green) are drawn.
        Assert.Equal($"Site {site}, last 30 days.", await report.InnerTextAsync("#status"));
        Assert.True(await PixelsAsync(report, "calls", 37, 99, 235) > 50, "no bar in the calls chart");
        Assert.True(await PixelsAsync(report, "conversion", 22, 163, 74) > 50, "no bar in the conversion chart");
        Assert.Equal(0, await PixelsAsync(report, "conversion", 37, 99, 235)); // the check tells colours apart
    }

    /// <summary>How many pixels of the canvas <paramref name="id"/> have exactly this colour.</summary>
    private static Task<int> PixelsAsync(IPage page, string id, int r, int g, int b) =>
        page.EvaluateAsync<int>("""
            ([id, r, g, b]) => {
              const canvas = document.getElementById(id);
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let n = 0;
              for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
              return n;
            }
            """, new object[] { id, r, g, b });
}
