using System.Collections.Concurrent;
using System.Text.Json;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// An open page keeps its lease: the tag renews it at half its remaining time, so the number on the page is never
/// one that has gone back to the pool (and to another visitor). The page's clock is Playwright's fake one.
/// </summary>
public sealed class TagRenewalTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    /// <summary>
    /// Counts the tag's calls to /v1/number as the page makes them. The fake clock runs due timers (and the renewal's
    /// fetch they start) before RunForAsync returns, so reading the count right after is exact: no real-time wait.
    /// </summary>
    private const string CountNumberRequests = """
        (() => {
          window.__numberRequests = 0;
          const fetch = window.fetch;
          window.fetch = function (input) {
            if (String(input && input.url || input).endsWith('/v1/number')) window.__numberRequests++;
            return fetch.apply(this, arguments);
          };
        })();
        """;

    [Fact]
    public async Task AnOpenPage_RenewsItsLease_AtHalfTheHold_AndKeepsItsNumber()
    {
        var (context, page, answers) = await OpenPageAsync(clockAt: null);
        await using var _ = context;
        var first = Answer(answers, 0);
        Assert.Equal("assigned", first.GetProperty("status").GetString());

        // The site's hold is 30 minutes: nothing is renewed in the first 14.
        await page.Clock.RunForAsync((long)TimeSpan.FromMinutes(14).TotalMilliseconds);
        Assert.Equal(1, await NumberRequestsAsync(page));

        await page.Clock.RunForAsync((long)TimeSpan.FromMinutes(2).TotalMilliseconds);
        await Poll.UntilAsync(() => Task.FromResult(answers.Count >= 2), TimeSpan.FromSeconds(60), "the renewal");
        var second = Answer(answers, 1);
        Assert.Equal("renewed", second.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("number").GetString(), second.GetProperty("number").GetString());
        Assert.True(second.GetProperty("expiresAt").GetDateTimeOffset() > first.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Contains(first.GetProperty("national").GetString()!, await page.InnerTextAsync("body"));
    }

    [Fact]
    public async Task APageWhoseClockIsADayAhead_RenewsOnceAMinute_NotInALoop()
    {
        // Its clock says the lease ran out long ago: the renewal waits the one-minute floor, not zero.
        var (context, page, answers) = await OpenPageAsync(clockAt: DateTimeOffset.UtcNow.AddDays(1));
        await using var _ = context;

        await page.Clock.RunForAsync((long)TimeSpan.FromSeconds(50).TotalMilliseconds);
        Assert.Equal(1, await NumberRequestsAsync(page));

        await page.Clock.RunForAsync((long)TimeSpan.FromSeconds(15).TotalMilliseconds);
        Assert.Equal(2, await NumberRequestsAsync(page));
        await Poll.UntilAsync(() => Task.FromResult(answers.Count >= 2), TimeSpan.FromSeconds(60), "the renewal");
        Assert.Equal("renewed", Answer(answers, 1).GetProperty("status").GetString());

        // Its answer scheduled the next renewal a minute on, not at once: nothing more within the next 50 seconds.
        await page.Clock.RunForAsync((long)TimeSpan.FromSeconds(50).TotalMilliseconds);
        Assert.Equal(2, await NumberRequestsAsync(page));
    }

    /// <summary>A page with the tag and a number to swap, its clock installed (at <paramref name="clockAt"/> or now); the first answer is in.</summary>
    private async Task<(IBrowserContext Context, IPage Page, ConcurrentQueue<string> Answers)> OpenPageAsync(DateTimeOffset? clockAt)
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(2), "+13125550199");
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync(clockAt is { } at ? new ClockInstallOptions { TimeDate = at.UtcDateTime } : null);
        await context.AddInitScriptAsync(CountNumberRequests);
        var answers = new ConcurrentQueue<string>();
        page.Response += async (_, r) =>
        {
            if (r.Url.EndsWith("/v1/number", StringComparison.Ordinal) && r.Request.Method == "POST") answers.Enqueue(await r.TextAsync());
        };
        await fixture.ServePageAsync(context, $"/renew/{site}/**",
            $"<!doctype html><html><head>{fixture.TagScript(site)}</head><body><p>Call (202) 555-0198</p></body></html>");
        await page.GotoAsync($"{fixture.BaseUrl}/renew/{site}/page");
        Assert.NotNull(await TagBrowserFixture.AnswerAsync(page));
        await Poll.UntilAsync(() => Task.FromResult(!answers.IsEmpty), TimeSpan.FromSeconds(60), "the first answer");
        return (context, page, answers);
    }

    private static Task<int> NumberRequestsAsync(IPage page) => page.EvaluateAsync<int>("() => window.__numberRequests");

    private static JsonElement Answer(ConcurrentQueue<string> answers, int index) => JsonDocument.Parse(answers.ElementAt(index)).RootElement;
}
