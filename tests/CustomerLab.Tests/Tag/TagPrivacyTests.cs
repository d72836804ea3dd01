using System.Collections.Concurrent;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>Opted-out browsers (cookie, Global Privacy Control) and an unreachable or slow edge.</summary>
[LongRunning]
public sealed class TagPrivacyTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private const string Body = """
        <a id="tel" href="tel:+12025550198">(202) 555-0198</a><p id="text">Call 202.555.0198</p>
        """;

    /// <summary>Every request the page makes to the edge's API (/v1/...), and every error thrown into the page.</summary>
    private sealed class Watch
    {
        public ConcurrentQueue<string> ApiRequests { get; } = new();
        public ConcurrentQueue<string> PageErrors { get; } = new();

        public Watch(IPage page)
        {
            page.Request += (_, request) => { if (request.Url.Contains("/v1/", StringComparison.Ordinal)) ApiRequests.Enqueue(request.Method + " " + request.Url); };
            page.PageError += (_, error) => PageErrors.Enqueue(error);
        }
    }

    private async Task<(IPage Page, Watch Watch)> OpenAsync(IBrowserContext context, string site, string path, string attributes = "data-hide")
    {
        var page = await context.NewPageAsync();
        var watch = new Watch(page);
        await page.GotoAsync(await fixture.ServePageAsync(context, path,
            $"<!doctype html><html><head>{TagBrowserFixture.QueueStub}{fixture.TagScript(site, attributes)}</head><body>{Body}</body></html>"));
        return (page, watch);
    }

    /// <summary>Does what would make a tracking tag send something: SPA navigations, the API, late numbers.</summary>
    private static async Task ProvokeAsync(IPage page)
    {
        await page.EvaluateAsync("""
            () => {
              history.pushState({}, '', '/next-page?utm_source=x');
              history.replaceState({}, '', '/other-page');
              customerlab('pageview');
              customerlab('swap');
              document.body.insertAdjacentHTML('beforeend', '<p id="late">(202) 555-0198</p>');
            }
            """);
        // Absence cannot be polled for: give a stray request (the tag would send within a task or two) time to show.
        await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 500))");
    }

    private static async Task AssertUntouchedAsync(IPage page, Watch watch)
    {
        Assert.Empty(watch.ApiRequests);
        Assert.Empty(watch.PageErrors);
        Assert.Equal("tel:+12025550198", await page.GetAttributeAsync("#tel", "href"));
        Assert.Equal("(202) 555-0198", await page.InnerTextAsync("#tel"));
        Assert.Equal("Call 202.555.0198", await page.InnerTextAsync("#text"));
        Assert.Equal("visible", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('tel')).visibility"));
        if (await page.QuerySelectorAsync("#late") is not null)
            Assert.Equal("(202) 555-0198", await page.InnerTextAsync("#late"));
    }

    [Fact]
    public async Task OptOutCookie_NoRequestLeavesThePage_AndNumbersAreUntouched()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(1), "+13125550199");
        await using var context = await fixture.NewContextAsync();
        await context.AddCookiesAsync([new Cookie { Name = "_clopt", Value = "1", Url = fixture.BaseUrl }]);
        var (page, watch) = await OpenAsync(context, site, "/optedout");

        Assert.Null(await TagBrowserFixture.AnswerAsync(page));
        await ProvokeAsync(page);
        await AssertUntouchedAsync(page, watch);
    }

    [Fact]
    public async Task OptOutThroughTheEdgesOptOutPage_NoRequestLeavesThePage()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(1), "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var optOut = await context.NewPageAsync();
        var response = await optOut.GotoAsync($"{fixture.BaseUrl}/optout?k={site}");
        Assert.True(response!.Ok, $"/optout answered {response.Status}");
        // The consumer presses the page's button (a form posting to /optout).
        await optOut.ClickAsync("form button");
        await optOut.WaitForSelectorAsync("#state[data-opted-out='true']");
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "_clopt");

        var (page, watch) = await OpenAsync(context, site, "/after-optout");
        Assert.Null(await TagBrowserFixture.AnswerAsync(page));
        await ProvokeAsync(page);
        await AssertUntouchedAsync(page, watch);
    }

    [Fact]
    public async Task GlobalPrivacyControl_NoRequestLeavesThePage_AndNumbersAreUntouched()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(1), "+13125550199");
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            // Chromium has no GPC setting: do what GPC browsers (Firefox, Brave, DuckDuckGo) do, header and property.
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Sec-GPC"] = "1" },
        });
        await context.AddInitScriptAsync("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });");
        var (page, watch) = await OpenAsync(context, site, "/gpc");

        Assert.Null(await TagBrowserFixture.AnswerAsync(page));
        await ProvokeAsync(page);
        await AssertUntouchedAsync(page, watch);
    }

    [Fact]
    public async Task EdgeUnreachable_OriginalNumbersStayVisible_AndNothingIsThrownIntoThePage()
    {
        var site = TagBrowserFixture.NewSiteKey();
        var deadPort = FreePort.Next(); // nobody listens there
        await using var context = await fixture.NewContextAsync();
        var (page, watch) = await OpenAsync(context, site, "/unreachable", $"data-hide data-api=\"http://127.0.0.1:{deadPort}\"");

        Assert.Null(await TagBrowserFixture.AnswerAsync(page));
        await page.EvaluateAsync("() => { history.pushState({}, '', '/elsewhere'); customerlab('pageview', location.href + '?again'); }");
        await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 500))");

        Assert.NotEmpty(watch.ApiRequests); // it tried
        Assert.Empty(watch.PageErrors);
        Assert.Equal("(202) 555-0198", await page.InnerTextAsync("#tel"));
        Assert.Equal("Call 202.555.0198", await page.InnerTextAsync("#text"));
        Assert.Equal("visible", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('tel')).visibility"));
    }

    /// <summary>
    /// The edge answers only after the default timeout (1.5 s): the number request is held by the test, and the page's
    /// timers run on Playwright's clock, so "1.5 s later" is exact and nothing waits for real time.
    /// </summary>
    [Fact]
    public async Task EdgeTooSlow_PageIsRevealedUnchangedAfterTheDefaultTimeout_AndTheLateAnswerIsIgnored()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(1), "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var requested = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var answered = new TaskCompletionSource<string>();
        await context.RouteAsync("**/v1/number", async route =>
        {
            try
            {
                requested.TrySetResult();
                await release.Task;
                await route.ContinueAsync();
            }
            catch (Exception ex)
            {
                answered.TrySetResult("route failed: " + ex);
            }
        });
        // Counts the number answers the page has read (the tag reads them with Response.json).
        await context.AddInitScriptAsync("""
            window.__answers = 0;
            const json = Response.prototype.json;
            Response.prototype.json = function () {
              const isNumber = this.url.endsWith('/v1/number');
              return json.call(this).then(v => { if (isNumber) window.__answers++; return v; });
            };
            """);
        var page = await context.NewPageAsync();
        // Paused before the page loads: the page's time moves only when the test runs it forward.
        await PausedClock.InstallAsync(page);
        page.RequestFinished += (_, r) => { if (r.Url.EndsWith("/v1/number", StringComparison.Ordinal)) answered.TrySetResult("finished"); };
        page.RequestFailed += (_, r) => { if (r.Url.EndsWith("/v1/number", StringComparison.Ordinal)) answered.TrySetResult("failed: " + r.Failure); };
        var watch = new Watch(page);
        await page.GotoAsync(await fixture.ServePageAsync(context, "/slow",
            $"<!doctype html><html><head>{fixture.TagScript(site, "data-hide", defaultTimeout: true)}</head><body>{Body}</body></html>"));
        var ct = TestContext.Current.CancellationToken;
        await requested.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        await page.Clock.RunForAsync(1499);
        Assert.Equal("hidden", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('tel')).visibility"));
        await page.Clock.RunForAsync(1);
        Assert.Equal("visible", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('tel')).visibility"));
        Assert.Null(await TagBrowserFixture.AnswerAsync(page));
        Assert.Equal("(202) 555-0198", await page.InnerTextAsync("#tel"));

        // The answer arrives later; the page, already shown, keeps its own numbers.
        release.TrySetResult();
        var outcome = await answered.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        Assert.True(outcome == "finished", outcome);
        await Poll.UntilAsync(async () => await page.EvaluateAsync<int>("() => window.__answers") == 1, TimeSpan.FromSeconds(30), "the page to read the late answer");
        // The tag's answer handler runs in the same task as the read (promise reactions): one more task and it has run.
        await page.EvaluateAsync("() => new Promise(r => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); })");
        Assert.Equal("(202) 555-0198", await page.InnerTextAsync("#tel"));
        Assert.Equal("Call 202.555.0198", await page.InnerTextAsync("#text"));
        Assert.Empty(watch.PageErrors);
    }
}
