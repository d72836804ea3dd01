using CustomerLab.Tests.Numbers;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>The demo client page at /demo, as a newcomer sees it after ./run.sh, in Chromium.</summary>
public sealed class TagDemoTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    /// <summary>Where the screenshot goes: beside the test binaries (bin/&lt;Configuration&gt;/net10.0/tag-screenshots).</summary>
    public static string ScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "tag-screenshots", "demo.png");

    [Fact]
    public async Task DemoPage_SwapsEveryFormat_LateAndChangedContent_AndSpaRoutes_ButNotTheIgnoredZone()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(20), "+12025550199");
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        // The tag waits up to a minute for its answer here: on a loaded machine the default 1.5 s can pass first.
        await page.GotoAsync($"{fixture.BaseUrl}/demo?site={site}&timeout=60000");
        var answer = await TagBrowserFixture.AnswerAsync(page);
        Assert.NotNull(answer);
        var number = answer.Value.GetProperty("number").GetString()!;
        var last4 = number[^4..];

        // The late block (2 s) and the ticker (every 3 s) arrive after the first swap.
        await page.WaitForSelectorAsync(".late");
        await page.WaitForFunctionAsync("() => document.getElementById('ticker').textContent.startsWith('Live (update')");
        const string outsideIgnored = "() => [...document.querySelectorAll('header, main > section:not(.ignored)')].map(e => e.innerText + ' ' + [...e.querySelectorAll('[href],[title],[aria-label]')].map(a => (a.getAttribute('href') || '') + (a.getAttribute('title') || '') + (a.getAttribute('aria-label') || '')).join(' ')).join(' ')";
        var visible = await page.EvaluateAsync<string>(outsideIgnored);
        Assert.DoesNotContain("0198", visible);
        Assert.Contains(last4, await page.InnerTextAsync(".late"));
        Assert.Contains(last4, await page.InnerTextAsync("#ticker"));
        Assert.Contains("202-555-0198", await page.InnerTextAsync(".ignored"));
        Assert.Equal("(202) 555-0142", await page.InnerTextAsync("#formats tr:last-child td:last-child"));
        Assert.Contains(answer.Value.GetProperty("international").GetString()!, await page.InnerTextAsync("#answer"));

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"demo screenshot: {ScreenshotPath}");

        // SPA route: new content with numbers, swapped.
        await page.ClickAsync("nav button[data-route='/demo/contact']");
        await page.WaitForURLAsync("**/demo/contact?site=*");
        Assert.DoesNotContain("0198", await page.EvaluateAsync<string>(outsideIgnored));
        Assert.Contains(last4, await page.InnerTextAsync("#route"));
        Assert.Empty(errors);
    }
}
