using CustomerLab.Tests.Numbers;
using System.Text;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// Issue 4 item 8: main-thread time of the first swap on a page with 5,000 DOM nodes, median of 20 loads, measured
/// with Chromium's performance clock (performance.now()). Prints the figure; asserts only that every load swapped
/// and a loose ceiling that catches a pathological regression, not a benchmark bar (benchmarks belong in loadtest/).
/// Run alone: dotnet test tests/CustomerLab.Tests --no-build --filter "FullyQualifiedName~TagPerformance"
/// </summary>
public sealed class TagPerformanceTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private const int Loads = 20;
    private const int TargetElements = 5000;

    /// <summary>
    /// What is timed: from the moment the edge's JSON answer is parsed (a wrapper around Response.json, installed
    /// before the tag) to the first MutationObserver callback after the swap (queued by the swap's first DOM write, run
    /// once the tag's answer handler returns). That span is the tag's whole answer handler: compiling the matcher,
    /// walking all 5,000 elements (text, tel:/sms: hrefs, title, aria-label), writing the swaps, starting its observer,
    /// revealing anti-flicker and queueing the first pageview.
    /// </summary>
    private const string Probe = """
        (() => {
          window.__swap = { start: 0, end: 0, nodes: 0 };
          const json = Response.prototype.json;
          Response.prototype.json = function () {
            const isNumber = this.url.endsWith('/v1/number');
            return json.call(this).then(v => { if (isNumber) window.__swap.start = performance.now(); return v; });
          };
          new MutationObserver((records, observer) => {
            if (window.__swap.start && !window.__swap.end) {
              window.__swap.end = performance.now();
              window.__swap.nodes = document.getElementsByTagName('*').length;
              observer.disconnect();
            }
          }).observe(document, { childList: true, characterData: true, subtree: true, attributes: true });
        })();
        """;

    [Fact]
    public async Task FirstSwap_OnA5000NodePage_MedianOf20Loads()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(20), "+12025550199");
        var html = Page(site);
        var timings = new List<double>();
        for (var i = 0; i < Loads; i++)
        {
            await using var context = await fixture.NewContextAsync();
            await context.AddInitScriptAsync(Probe);
            var page = await context.NewPageAsync();
            await page.GotoAsync(await fixture.ServePageAsync(context, "/perf", html));
            Assert.NotNull(await TagBrowserFixture.AnswerAsync(page));
            await page.WaitForFunctionAsync("() => window.__swap.end > 0");
            var nodes = await page.EvaluateAsync<int>("() => window.__swap.nodes");
            Assert.InRange(nodes, TargetElements, TargetElements + 20);
            Assert.Equal(0, await page.EvaluateAsync<int>("() => document.body.innerText.split('202-555-0198').length - 1"));
            timings.Add(await page.EvaluateAsync<double>("() => window.__swap.end - window.__swap.start"));
        }
        timings.Sort();
        var median = (timings[Loads / 2 - 1] + timings[Loads / 2]) / 2;
        var report = $"first swap on a {TargetElements}-element page: median {median:F1} ms of {Loads} loads (min {timings[0]:F1}, max {timings[^1]:F1}) in Chromium {fixture.Browser.Version}";
        TestContext.Current.SendDiagnosticMessage(report);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "tag-first-swap.txt"), report + "\n", TestContext.Current.CancellationToken);
        Assert.True(median < 200, report);
    }

    /// <summary>
    /// A long landing page: 500 cards of 10 elements (article, h3, 3 p, strong, em, span, 2 a), 100 of them showing the
    /// target number in some format, plus html, head, title, body and two scripts: 5,006 elements.
    /// </summary>
    private string Page(string site)
    {
        string[] formats = ["(202) 555-0198", "202-555-0198", "202.555.0198", "+1 202 555 0198"];
        // The tag is added once the document is parsed, so the first swap sees all 5,000 elements (an async tag on a
        // real page may swap a partly parsed document; its observer then handles the rest as it arrives).
        var html = new StringBuilder($$"""<!doctype html><html><head><title>perf</title><script>addEventListener('DOMContentLoaded', function () { var s = document.createElement('script'); s.src = '{{fixture.BaseUrl}}/cl.js'; s.setAttribute('data-site', '{{site}}'); s.setAttribute('data-timeout', '30000'); document.head.appendChild(s); });</script></head><body>""");
        var elements = 6;
        for (var i = 0; elements < TargetElements; i++)
        {
            var phone = i % 5 == 0 ? formats[i / 5 % formats.Length] : "our team";
            html.Append($"<article><h3>Service {i}</h3><p>Lorem ipsum dolor sit amet, call {phone} for item {i}.</p>")
                .Append($"<p>Consectetur <strong>adipiscing</strong> elit, <em>sed do</em> eiusmod {i * 7}.</p>")
                .Append($"<p><span>Ref {i:D5}</span> <a href=\"/item/{i}\">details</a> <a href=\"tel:+1202555{(i % 5 == 0 ? "0198" : "0142")}\">call</a></p></article>");
            elements += 10;
        }
        return html.Append("</body></html>").ToString();
    }
}
