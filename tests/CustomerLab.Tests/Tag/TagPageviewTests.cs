using System.Collections.Concurrent;
using System.Text.Json;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>Pageviews from the tag in Chromium, through /v1/collect and the spool, counted in ClickHouse.</summary>
public sealed class TagPageviewTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    [Fact]
    public async Task EachSpaNavigation_ProducesExactlyOnePageview_ThatReachesClickHouse()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(2), "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var collects = new ConcurrentQueue<string>();
        page.Request += (_, r) => { if (r.Url.EndsWith("/v1/collect", StringComparison.Ordinal)) collects.Enqueue(r.PostData ?? ""); };
        var start = $"{fixture.BaseUrl}/spa/{site}/start?utm_source=newsletter&utm_medium=email&gclid=TeSt123";
        await fixture.ServePageAsync(context, $"/spa/{site}/start?**",
            $"<!doctype html><html><head><title>Start</title>{fixture.TagScript(site)}</head><body><p>(202) 555-0198</p></body></html>");
        await page.GotoAsync(start);
        Assert.NotNull(await TagBrowserFixture.AnswerAsync(page));

        // Navigations as routers make them: 3 new pages (a, b, back to a); replaceState of the same URL, a hash
        // change and the way back over it are not new pages.
        await page.EvaluateAsync($$"""
            async () => {
              const tick = () => new Promise(r => setTimeout(r, 50));
              // A traversal is asynchronous: wait for it to land before the next one, or a busy browser may drop one.
              const back = () => new Promise(r => { addEventListener('popstate', () => setTimeout(r, 0), { once: true }); history.back(); });
              history.pushState({}, '', '/spa/{{site}}/a'); document.title = 'A'; await tick();
              history.replaceState({ s: 1 }, '', '/spa/{{site}}/a'); await tick();
              history.pushState({}, '', '/spa/{{site}}/b#top'); await tick();
              history.pushState({}, '', '/spa/{{site}}/b#bottom'); await tick();
              await back();
              await back();
            }
            """);
        await page.WaitForURLAsync($"**/spa/{site}/a");

        string[] expected = [start, $"{fixture.BaseUrl}/spa/{site}/a", $"{fixture.BaseUrl}/spa/{site}/b#top", $"{fixture.BaseUrl}/spa/{site}/a"];
        await Poll.UntilAsync(() => Task.FromResult(collects.Count >= expected.Length), TimeSpan.FromSeconds(60), "the tag's pageview requests");
        var sent = collects.Select(body => JsonDocument.Parse(body).RootElement.GetProperty("u").GetString()).ToArray();
        Assert.Equal(expected, sent);

        // The edge stamps each pageview as it arrives, and beacons sent 50 ms apart may arrive in either order on a
        // busy machine: the sending order is checked above, the stored rows as a set.
        var rows = await PageviewsAsync(site, expected.Length);
        Assert.Equal(expected.Select(u => u!.Split('#')[0]).Order(), rows.Select(r => r.Url.Split('#')[0]).Order());
        Assert.All(rows, r => Assert.Equal("pageview", r.Name));
        Assert.Single(rows.Select(r => r.Visitor).Distinct());
        Assert.DoesNotContain("", rows.Select(r => r.Visitor));
        var landing = Assert.Single(rows, r => r.Url == start);
        Assert.Equal("TeSt123", landing.ClickId);
        Assert.Equal("newsletter", landing.UtmSource);
        // An SPA page's referrer is the page before it: the first visit to /a came from the landing page.
        Assert.Contains(rows, r => r.Url == expected[1] && r.Referrer == start);

        // Exactly one each. The browser sent nothing more: a request made after every navigation has been handled
        // is seen after any pageview beacon the tag could still have sent (requests are reported in order).
        var sentinel = $"{fixture.BaseUrl}/spa/{site}/sentinel";
        var seen = false;
        page.Request += (_, r) => { if (r.Url == sentinel) seen = true; };
        await page.EvaluateAsync($"() => new Promise(r => setTimeout(r, 0)).then(() => fetch('{sentinel}')).catch(() => 0)");
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref seen)), TimeSpan.FromSeconds(60), "the sentinel request");
        Assert.Equal(expected.Length, collects.Count);
        // And ClickHouse holds each once, without FINAL's merging: no batch was inserted twice.
        var raw = await fixture.ClickHouse.Http.PostAsync("/", new StringContent($"SELECT count() FROM `{fixture.Database}`.pageviews WHERE site_id = '{site}'"),
            TestContext.Current.CancellationToken);
        Assert.Equal(expected.Length.ToString(), (await raw.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Trim());
    }

    private sealed record Row(string Url, string Name, string Visitor, string Referrer, string UtmSource, string ClickId);

    /// <summary>The site's pageviews in ClickHouse (deduplicated, in time order), once at least <paramref name="atLeast"/> are there.</summary>
    private async Task<List<Row>> PageviewsAsync(string site, int atLeast)
    {
        List<Row> rows = [];
        var sql = $"SELECT url, event_name, visitor_id, referrer, utm_source, click_id FROM `{fixture.Database}`.pageviews FINAL " +
                  $"WHERE site_id = '{site}' ORDER BY timestamp, event_id FORMAT JSONCompactEachRow";
        await Poll.UntilAsync(async () =>
        {
            var response = await fixture.ClickHouse.Http.PostAsync("/", new StringContent(sql));
            if (!response.IsSuccessStatusCode) return false;
            rows = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonSerializer.Deserialize<string[]>(line)!)
                .Select(c => new Row(c[0], c[1], c[2], c[3], c[4], c[5])).ToList();
            return rows.Count >= atLeast;
        }, TimeSpan.FromSeconds(30), $"{atLeast} pageviews of {site} in ClickHouse", () => $"found {rows.Count}: {string.Join(", ", rows.Select(r => r.Url))}");
        return rows;
    }
}
