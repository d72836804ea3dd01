using System.Net;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Tag;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Backoffice;

/// <summary>
/// The console in a real browser (Debian Chromium) against the real edge, Garnet and ClickHouse: a visitor browses two
/// pages and calls; the site's analyst finds the call in the log, opens its journey, tags it and marks it qualified
/// (which the payouts export follows); an analyst of another site sees nothing of it, direct URLs included; the CSV
/// holds the filtered rows; a post without the antiforgery token changes nothing; the admin reads the audit.
/// Every page passes axe-core and fits 375 px.
/// </summary>
[LongRunning]
public sealed class ConsoleCallLogBrowserTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAnalystFindsTheCallAndItsJourney_MarksIt_AndOnlyTheirSiteSeesIt()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        var created = await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "127.0.0.1", "localhost" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", region = "US",
            // 61 s of talk is too short for these rules: only the hand-made mark makes the call pay.
            calls = new { payouts = new { minTalkSeconds = 120, requireAnswered = false, publishers = new Dictionary<string, decimal> { ["acme-pub"] = 25m } } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        // Tracking numbers no other test of the run uses (they share one Redis number index).
        var pool = Numbers.NumbersEdgeFixture.Numbers(2);
        Assert.True((await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main", new { numbers = pool })).IsSuccessStatusCode);

        // A visitor lands from an ad, reads a second page, and calls the number the tag shows.
        await using var visitor = await fixture.NewContextAsync();
        var page = await visitor.NewPageAsync();
        string Html(string title) => $"<!doctype html><html><head><title>{title}</title>{fixture.TagScript(site)}</head><body><p>Call <a href=\"tel:+12025550198\">(202) 555-0198</a></p></body></html>";
        var landing = await fixture.ServePageAsync(visitor, "/console-landing?gclid=CONSOLE-GCLID&utm_source=google&utm_medium=cpc&utm_campaign=console&pub=acme-pub", Html("Landing"));
        var pricing = await fixture.ServePageAsync(visitor, "/console-pricing", Html("Pricing"));
        await page.GotoAsync(landing);
        var number = (await TagBrowserFixture.AnswerAsync(page))!.Value.GetProperty("number").GetString()!;
        await page.GotoAsync(pricing);
        Assert.NotNull(await TagBrowserFixture.AnswerAsync(page));
        var session = (await visitor.CookiesAsync()).Single(c => c.Name == "_clsid").Value.Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
            $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'", cancellationToken: Ct)) >= 2, TimeSpan.FromSeconds(30), "both pageviews in ClickHouse");
        var callId = "console-" + Guid.NewGuid().ToString("N");
        var call = await CallWebhooks.SendGenericAsync(fixture.Http, new { provider = "acme", callId, from = "+14045550177", to = number, status = "completed", direction = "inbound", durationSeconds = 61 });
        Assert.True(call.IsSuccessStatusCode, await call.Content.ReadAsStringAsync(Ct));
        // A second call, to the number nobody holds: not attributed, so the attribution filter has something to leave out.
        var other = pool.Single(n => n != number);
        var unattributedId = "console-" + Guid.NewGuid().ToString("N");
        Assert.True((await CallWebhooks.SendGenericAsync(fixture.Http, new { provider = "acme", callId = unattributedId, from = "+14045550178", to = other, status = "completed", direction = "inbound", durationSeconds = 5 })).IsSuccessStatusCode);
        Assert.DoesNotContain(callId, await PayoutsCsvAsync(site));

        // The site's analyst finds the call in the log.
        var analyst = await ConsoleTesting.AddUserAsync(fixture, "analyst", site);
        var (analystContext, log) = await ConsoleTesting.SignInAsync(fixture, analyst, $"/console/calls?site={site}");
        await using var _ = analystContext;
        var row = log.Locator($"tr[data-call='{callId}']");
        Assert.Equal(1, await row.CountAsync());
        var rowText = await row.InnerTextAsync();
        foreach (var expected in new[] { "+1 404-555-0177", "attributed", "gclid=CONSOLE-GCLID", "google / cpc (paid), console", "1:01", "/console-landing" })
            Assert.Contains(expected, rowText);
        Assert.Equal(1, await log.Locator($"tr[data-call='{unattributedId}']").CountAsync());
        // One page of two calls: no link to newer or older ones.
        Assert.Equal((0, 0), (await log.Locator("a[rel=prev]").CountAsync(), await log.Locator("a[rel=next]").CountAsync()));
        await ConsoleTesting.AssertAccessibleAsync(log);
        await ConsoleTesting.ScreenshotAsync(log, "console-calls");
        await ConsoleTesting.AssertFitsPhoneAsync(log);
        await log.SetViewportSizeAsync(1280, 900);

        // The CSV of a filtered view holds exactly the rows the page shows for that filter.
        await log.GotoAsync($"{fixture.BaseUrl}/console/calls?site={site}&status=attributed");
        var shown = await log.Locator("tr[data-call]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.call)");
        Assert.Equal([callId], shown);
        var csv = await analystContext.APIRequest.GetAsync($"{fixture.BaseUrl}/console/calls.csv?site={site}&status=attributed");
        Assert.Equal(200, csv.Status);
        var lines = (await csv.TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("call_id,site_id,started_at,caller,", lines[0]);
        Assert.Equal(shown, lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        Assert.Contains("CONSOLE-GCLID", lines[1]);

        // The journey: both pages in order, with the campaign; then the analyst tags the call and marks it qualified.
        await log.GotoAsync($"{fixture.BaseUrl}/console/calls?site={site}");
        await log.ClickAsync($"tr[data-call='{callId}'] a time");
        await log.WaitForURLAsync($"**/console/calls/{callId}");
        var pages = await log.Locator("#pageviews tbody tr").AllInnerTextsAsync();
        Assert.Equal(2, pages.Count);
        Assert.Contains("/console-landing", pages[0]);
        Assert.Contains("google / cpc / console", pages[0]);
        Assert.Contains("/console-pricing", pages[1]);
        await ConsoleTesting.AssertAccessibleAsync(log);
        await ConsoleTesting.ScreenshotAsync(log, "console-journey");
        await ConsoleTesting.AssertFitsPhoneAsync(log);
        await log.SetViewportSizeAsync(1280, 900);

        await log.FillAsync("input[name=tags]", "vip, follow-up");
        await log.CheckAsync("input[name=qualified][value=yes]");
        await log.ClickAsync("#mark button[type=submit]");
        await log.Locator("#saved").WaitForAsync();
        await log.ReloadAsync();
        Assert.Equal("vip, follow-up", await log.InnerTextAsync("#tags"));
        Assert.Equal("Yes (by hand)", await log.InnerTextAsync("#qualified"));
        Assert.Equal("25.00 USD", await log.InnerTextAsync("#payout"));
        Assert.Contains(callId, await PayoutsCsvAsync(site));

        // A post without the token (or with a made-up one) is refused and changes nothing; the console's own fetch carries it.
        var forged = await log.EvaluateAsync<int[]>($$"""
            async () => [
              (await fetch('/console/calls/{{callId}}/marks', { method: 'POST', body: new URLSearchParams({ tags: 'forged', qualified: 'no' }) })).status,
              (await fetch('/console/calls/{{callId}}/marks', { method: 'POST', headers: { 'X-CSRF-Token': 'made-up' }, body: new URLSearchParams({ tags: 'forged', qualified: 'no' }) })).status,
              (await window.customerlabConsole.fetch('/console/calls/{{callId}}/marks', { method: 'POST', body: new URLSearchParams({ tags: 'vip, follow-up, called-back', qualified: 'yes' }) })).status,
            ]
            """);
        Assert.Equal([400, 400, 200], forged);
        await log.ReloadAsync();
        Assert.Equal("vip, follow-up, called-back", await log.InnerTextAsync("#tags"));

        // An analyst of another site sees nothing of it: not in their log, 403 on every direct URL.
        var stranger = await ConsoleTesting.AddUserAsync(fixture, "analyst", TagBrowserFixture.NewSiteKey());
        var (strangerContext, empty) = await ConsoleTesting.SignInAsync(fixture, stranger, "/console/calls");
        await using var __ = strangerContext;
        Assert.Equal(0, await empty.Locator($"tr[data-call='{callId}']").CountAsync());
        Assert.Contains("No calls yet", await empty.InnerTextAsync("main"));
        await ConsoleTesting.AssertAccessibleAsync(empty);
        await ConsoleTesting.ScreenshotAsync(empty, "console-empty");
        var token = await empty.EvaluateAsync<string>("() => window.customerlabConsole.token()");
        foreach (var url in new[] { $"/console/calls/{callId}", $"/console/calls?site={site}", $"/console/calls.csv?site={site}", "/console/audit" })
            Assert.Equal((url, 403), (url, (await strangerContext.APIRequest.GetAsync(fixture.BaseUrl + url)).Status));
        var steal = await strangerContext.APIRequest.PostAsync($"{fixture.BaseUrl}/console/calls/{callId}/marks", new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = token },
            Form = strangerContext.APIRequest.CreateFormData(),
        });
        Assert.Equal(403, steal.Status);

        // The admin reads who marked the call in the audit.
        var admin = await ConsoleTesting.AddUserAsync(fixture, "admin", null);
        var (adminContext, audit) = await ConsoleTesting.SignInAsync(fixture, admin, $"/console/audit?site={site}");
        await using var ___ = adminContext;
        var entries = await audit.Locator("#audit-rows tr").AllInnerTextsAsync();
        Assert.Equal(2, entries.Count(e => e.Contains(analyst) && e.Contains("call.mark") && e.Contains(callId)));
        Assert.DoesNotContain(entries, e => e.Contains("forged"));
        await ConsoleTesting.AssertAccessibleAsync(audit);
        await ConsoleTesting.ScreenshotAsync(audit, "console-audit");
        await ConsoleTesting.AssertFitsPhoneAsync(audit);
    }

    [Fact]
    public async Task ASiteThatMasksCallers_HidesThemFromItsAnalysts_InTheLogSearchAndCsv_ButNotFromAdmins()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        var created = await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "127.0.0.1" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", calls = new { maskCallersForAnalysts = true },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var tracking = Numbers.NumbersEdgeFixture.Numbers(1)[0];
        Assert.True((await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main", new { numbers = new[] { tracking } })).IsSuccessStatusCode);
        var callId = "masked-" + Guid.NewGuid().ToString("N");
        Assert.True((await CallWebhooks.SendGenericAsync(fixture.Http, new { provider = "acme", callId, from = "+14045550179", to = tracking, status = "completed", direction = "inbound", durationSeconds = 30 })).IsSuccessStatusCode);

        var analyst = await ConsoleTesting.AddUserAsync(fixture, "analyst", site);
        var (context, page) = await ConsoleTesting.SignInAsync(fixture, analyst, $"/console/calls?site={site}");
        await using var _ = context;
        var caller = await page.InnerTextAsync($"tr[data-call='{callId}'] .caller");
        Assert.StartsWith("+1 ••• ••• ••79", caller);
        Assert.DoesNotContain("404", caller);
        await page.GotoAsync($"{fixture.BaseUrl}/console/calls?site={site}&caller=4045550179");
        Assert.Equal(0, await page.Locator("tr[data-call]").CountAsync());
        // A bad filter is a 400 naming the field, never a 500.
        var bad = await context.APIRequest.GetAsync($"{fixture.BaseUrl}/console/calls?site={site}&answered=maybe&from=2026-13-01");
        Assert.Equal(400, bad.Status);
        var problem = await bad.TextAsync();
        Assert.Contains("\"answered\"", problem);
        Assert.Contains("\"from\"", problem);
        var csv = await (await context.APIRequest.GetAsync($"{fixture.BaseUrl}/console/calls.csv?site={site}")).TextAsync();
        Assert.Contains(callId, csv);
        Assert.DoesNotContain("4045550179", csv);
        await page.GotoAsync($"{fixture.BaseUrl}/console/calls/{callId}");
        Assert.StartsWith("+1 ••• ••• ••79", await page.InnerTextAsync("#caller"));

        var admin = await ConsoleTesting.AddUserAsync(fixture, "admin", null);
        var (adminContext, adminPage) = await ConsoleTesting.SignInAsync(fixture, admin, $"/console/calls?site={site}&caller=4045550179");
        await using var __ = adminContext;
        Assert.StartsWith("+1 404-555-0179", await adminPage.InnerTextAsync($"tr[data-call='{callId}'] .caller"));
    }

    [Fact]
    public async Task AnAmbiguousCall_ShowsItsCandidateSessionsSideBySide()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        var numbers = Numbers.NumbersEdgeFixture.Numbers(2);
        var (tracking, overflow) = (numbers[0], numbers[1]);
        Assert.True((await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "127.0.0.1" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199",
        })).IsSuccessStatusCode);
        Assert.True((await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main", new { numbers = new[] { tracking }, overflowNumber = overflow })).IsSuccessStatusCode);

        // The pool's one number goes to the first visitor; the next two are both shown the overflow number.
        var sessions = new List<string>();
        foreach (var source in new[] { "first", "newsletter", "partner" })
        {
            await using var visitor = await fixture.NewContextAsync();
            var page = await visitor.NewPageAsync();
            var pageview = TagBrowserFixture.PageviewAcceptedAsync(page);
            await page.GotoAsync(await fixture.ServePageAsync(visitor, $"/ambiguous-{source}?utm_source={source}&utm_medium=email",
                $"<!doctype html><html><head><title>{source}</title>{fixture.TagScript(site)}</head><body><p>Call <a href=\"tel:+12025550198\">(202) 555-0198</a></p></body></html>"));
            var shown = (await TagBrowserFixture.AnswerAsync(page))!.Value.GetProperty("number").GetString();
            Assert.Equal(source == "first" ? tracking : overflow, shown);
            Assert.Equal(202, (await pageview).Status);
            if (source != "first") sessions.Add((await visitor.CookiesAsync()).Single(c => c.Name == "_clsid").Value.Split('~')[0]);
        }
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
            $"SELECT uniqExact(session_id) FROM pageviews FINAL WHERE site_id = '{site}' AND session_id IN ('{sessions[0]}', '{sessions[1]}')", cancellationToken: Ct)) == 2,
            TimeSpan.FromSeconds(60), "the overflow visitors' pageviews in ClickHouse");
        var callId = "ambiguous-" + Guid.NewGuid().ToString("N");
        Assert.True((await CallWebhooks.SendGenericAsync(fixture.Http, new { provider = "acme", callId, from = "+14045550180", to = overflow, status = "completed", direction = "inbound", durationSeconds = 40 })).IsSuccessStatusCode);

        var analyst = await ConsoleTesting.AddUserAsync(fixture, "analyst", site);
        var (context, journey) = await ConsoleTesting.SignInAsync(fixture, analyst, $"/console/calls/{callId}");
        await using var _ = context;
        Assert.Contains("ambiguous", await journey.InnerTextAsync("#attribution"));
        var cards = await journey.Locator("#candidates .candidate").AllInnerTextsAsync();
        Assert.Equal(2, cards.Count);
        foreach (var (session, source) in sessions.Zip(new[] { "newsletter", "partner" }))
            Assert.Single(cards, c => c.Contains(session) && c.Contains($"/ambiguous-{source}") && c.Contains(source));
        await ConsoleTesting.AssertAccessibleAsync(journey);
        await ConsoleTesting.ScreenshotAsync(journey, "console-journey-ambiguous");
        await ConsoleTesting.AssertFitsPhoneAsync(journey);
    }

    private async Task<string> PayoutsCsvAsync(string site)
    {
        var export = await fixture.AdminAsync(HttpMethod.Get, $"/admin/exports/payouts.csv?site={site}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        return await export.Content.ReadAsStringAsync(Ct);
    }
}
