using System.Text;
using CustomerLab.Tests.Numbers;
using Microsoft.Playwright;
using static CustomerLab.Tests.Tag.PhoneTemplates;

namespace CustomerLab.Tests.Tag;

/// <summary>The tag swapping numbers in a real Chromium against the real edge (Garnet, local ClickHouse).</summary>
public sealed class TagSwapTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private const string UsTarget = "+12025550198";
    /// <summary>A US pool of three numbers no other test's site holds (a number belongs to one pool of one site).</summary>
    private static string[] NewUsPool() => NumbersEdgeFixture.Numbers(3);

    /// <summary>The NANP forms of issue 4 and a few more, as text.</summary>
    private static readonly string[] NanpText =
    [
        "(###) ###-####", "###-###-####", "###.###.####", "### ### ####", "1-###-###-####", "+1 ### ### ####",
        "+1 (###) ###-####", "##########", "+1##########", "+1-###-###-####", "1 (###) ###-####", "Call us at (###) ###-#### today!",
    ];

    /// <summary>Attributes: [element id, attribute, template].</summary>
    private static readonly string[][] NanpAttributes =
    [
        ["tel1", "href", "tel:+1-###-###-####"], ["tel2", "href", "tel:##########"], ["sms1", "href", "sms:+1##########?body=Hi"],
        ["btn", "title", "Call ###-###-####"], ["btn", "aria-label", "Call us at (###) ###-####"],
    ];

    [Fact]
    public async Task EveryNanpFormat_IsSwappedWithItsFormatKept()
    {
        var site = TagBrowserFixture.NewSiteKey();
        var usPool = NewUsPool();
        await fixture.CreateSiteAsync(site, [UsTarget], usPool, "+13125550199");
        var target = Nsn(UsTarget);
        var html = new StringBuilder("<!doctype html><html><head>").Append(fixture.TagScript(site)).Append("</head><body>");
        for (var i = 0; i < NanpText.Length; i++) html.Append($"<p id=\"f{i}\">{Fill(NanpText[i], target)}</p>");
        html.Append($"<a id=\"tel1\" href=\"{Fill(NanpAttributes[0][2], target)}\">{Fill("(###) ###-####", target)}</a>");
        html.Append($"<a id=\"tel2\" href=\"{Fill(NanpAttributes[1][2], target)}\">Call</a>");
        html.Append($"<a id=\"sms1\" href=\"{Fill(NanpAttributes[2][2], target)}\">Text {Fill("+1 ### ### ####", target)}</a>");
        html.Append($"<button id=\"btn\" title=\"{Fill(NanpAttributes[3][2], target)}\" aria-label=\"{Fill(NanpAttributes[4][2], target)}\">call</button>");
        html.Append("<p id=\"other\">Support: (202) 555-0142, order 12025550198000</p></body></html>");

        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(await fixture.ServePageAsync(context, "/formats", html.ToString()));
        var answer = await TagBrowserFixture.AnswerAsync(page);

        Assert.NotNull(answer);
        var number = answer.Value.GetProperty("number").GetString()!;
        Assert.Contains(number, usPool);
        var leased = Nsn(number);
        for (var i = 0; i < NanpText.Length; i++)
            Assert.Equal(Fill(NanpText[i], leased), await page.InnerTextAsync($"#f{i}"));
        foreach (var (id, attribute, template) in NanpAttributes.Select(a => (a[0], a[1], a[2])))
            Assert.Equal(Fill(template, leased), await page.GetAttributeAsync($"#{id}", attribute));
        Assert.Equal(Fill("(###) ###-####", leased), await page.InnerTextAsync("#tel1"));
        Assert.Equal("Text " + Fill("+1 ### ### ####", leased), await page.InnerTextAsync("#sms1"));
        Assert.Equal("Support: (202) 555-0142, order 12025550198000", await page.InnerTextAsync("#other"));
    }

    [Fact]
    public async Task InternationalNationalAndE164Forms_AreSwappedWithTheirFormatKept()
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+442079460000"], ["+442079460123", "+442079460124"], "+442079460999", region: "GB");
        string[] forms = ["0## #### ####", "+44 ## #### ####", "+44 (0)## #### ####", "(0##) #### ####", "+44##########", "0##########"];
        var target = Nsn("+442079460000");
        var html = new StringBuilder("<!doctype html><html><head>").Append(fixture.TagScript(site)).Append("</head><body>");
        for (var i = 0; i < forms.Length; i++) html.Append($"<p id=\"f{i}\">{Fill(forms[i], target)}</p>");
        html.Append($"<a id=\"tel\" href=\"tel:{Fill("+44-##-####-####", target)}\">Ring us</a></body></html>");

        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(await fixture.ServePageAsync(context, "/uk", html.ToString()));
        var answer = await TagBrowserFixture.AnswerAsync(page);

        Assert.NotNull(answer);
        var leased = Nsn(answer.Value.GetProperty("number").GetString()!);
        Assert.True(leased.StartsWith("20794601", StringComparison.Ordinal), answer.Value.ToString());
        for (var i = 0; i < forms.Length; i++)
            Assert.Equal(Fill(forms[i], leased), await page.InnerTextAsync($"#f{i}"));
        Assert.Equal("tel:" + Fill("+44-##-####-####", leased), await page.GetAttributeAsync("#tel", "href"));
    }

    private const string IgnoredMarkup = """
        <p id="control">Call 202-555-0198</p>
        <script id="js">var phone = "202-555-0198";</script>
        <script type="application/ld+json" id="ld">{"@type":"Organization","telephone":"+1-202-555-0198"}</script>
        <style id="css">.x::after { content: "202-555-0198"; }</style>
        <noscript id="ns">Call 202-555-0198</noscript>
        <template id="tpl"><p>Call 202-555-0198</p></template>
        <textarea id="ta">202-555-0198</textarea>
        <input id="in" value="202-555-0198" title="202-555-0198">
        <select id="sel"><option value="202-555-0198">202-555-0198</option></select>
        <div id="zone" data-customerlab-ignore><p>Call 202-555-0198</p><a id="zlink" href="tel:+12025550198" title="202-555-0198">202-555-0198</a></div>
        """;

    [Fact]
    public async Task IgnoredZones_AreLeftAlone_WhileTheRestIsSwapped()
    {
        var site = TagBrowserFixture.NewSiteKey();
        var usPool = NewUsPool();
        await fixture.CreateSiteAsync(site, [UsTarget], usPool, "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(await fixture.ServePageAsync(context, "/ignored",
            $"<!doctype html><html><head>{fixture.TagScript(site)}</head><body>{IgnoredMarkup}</body></html>"));
        // The user types into the form fields before the answer comes: still never touched.
        await page.FillAsync("#in", "202-555-0198 typed");
        var answer = await TagBrowserFixture.AnswerAsync(page);

        Assert.NotNull(answer);
        Assert.DoesNotContain("0198", await page.InnerTextAsync("#control"));
        Assert.Equal("var phone = \"202-555-0198\";", await page.TextContentAsync("#js"));
        Assert.Contains("+1-202-555-0198", await page.TextContentAsync("#ld"));
        Assert.Contains("202-555-0198", await page.TextContentAsync("#css"));
        Assert.Equal("Call 202-555-0198", await page.TextContentAsync("#ns"));
        Assert.Equal("Call 202-555-0198", await page.EvaluateAsync<string>("() => document.getElementById('tpl').content.textContent"));
        Assert.Equal("202-555-0198", await page.InputValueAsync("#ta"));
        Assert.Equal("202-555-0198 typed", await page.InputValueAsync("#in"));
        Assert.Equal("202-555-0198", await page.GetAttributeAsync("#in", "value"));
        Assert.Equal("202-555-0198", await page.GetAttributeAsync("#in", "title"));
        Assert.Equal("202-555-0198", await page.InputValueAsync("#sel"));
        Assert.Equal("202-555-0198", await page.TextContentAsync("#sel option"));
        Assert.Equal("Call 202-555-0198202-555-0198", await page.TextContentAsync("#zone"));
        Assert.Equal("tel:+12025550198", await page.GetAttributeAsync("#zlink", "href"));
        Assert.Equal("202-555-0198", await page.GetAttributeAsync("#zlink", "title"));
    }

    [Fact]
    public async Task LateInsertedAndInPlaceChangedNumbers_AreSwapped_ButNotInIgnoredZones()
    {
        var site = TagBrowserFixture.NewSiteKey();
        var usPool = NewUsPool();
        await fixture.CreateSiteAsync(site, [UsTarget], usPool, "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(await fixture.ServePageAsync(context, "/late",
            $"""<!doctype html><html><head>{fixture.TagScript(site)}</head><body><p id="live">No number yet</p><a id="link" href="/contact">Contact</a><div id="zone" data-customerlab-ignore></div><div id="app"></div></body></html>"""));
        var answer = await TagBrowserFixture.AnswerAsync(page);
        Assert.NotNull(answer);
        var leased = Nsn(answer.Value.GetProperty("number").GetString()!);

        // One task changes everything, as a framework render does: one observer callback handles it all.
        await page.EvaluateAsync("""
            () => {
              document.getElementById('app').innerHTML = '<section><h2>Offer</h2><p id="late">Call (202) 555-0198 now</p><a id="late-tel" href="tel:+12025550198">202.555.0198</a></section>';
              document.getElementById('live').firstChild.data = 'Now: 202-555-0198';
              document.getElementById('link').setAttribute('href', 'tel:2025550198');
              document.getElementById('zone').innerHTML = '<p id="zoned">Call (202) 555-0198</p>';
            }
            """);
        await page.WaitForFunctionAsync("() => !document.getElementById('late').textContent.includes('0198')");
        Assert.Equal($"Call {Fill("(###) ###-####", leased)} now", await page.InnerTextAsync("#late"));
        Assert.Equal(Fill("###.###.####", leased), await page.InnerTextAsync("#late-tel"));
        Assert.Equal("tel:+1" + leased, await page.GetAttributeAsync("#late-tel", "href"));
        Assert.Equal("Now: " + Fill("###-###-####", leased), await page.InnerTextAsync("#live"));
        Assert.Equal("tel:" + leased, await page.GetAttributeAsync("#link", "href"));
        Assert.Equal("Call (202) 555-0198", await page.InnerTextAsync("#zoned"));

        // A text node changed in place again later (a ticker, a framework re-render) is swapped again.
        await page.EvaluateAsync("() => { document.getElementById('live').firstChild.data = 'Again: +1 (202) 555-0198'; }");
        await page.WaitForFunctionAsync("() => !document.getElementById('live').textContent.includes('0198')");
        Assert.Equal("Again: " + Fill("+1 (###) ###-####", leased), await page.InnerTextAsync("#live"));
    }

    [Fact]
    public async Task QueuedCallsAndSwapAgain_Work_ThroughTheApi()
    {
        var site = TagBrowserFixture.NewSiteKey();
        var usPool = NewUsPool();
        await fixture.CreateSiteAsync(site, [UsTarget], usPool, "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        // A call queued by the stub before the tag loaded is replayed once the answer is in.
        await page.GotoAsync(await fixture.ServePageAsync(context, "/api",
            $$"""<!doctype html><html><head>{{TagBrowserFixture.QueueStub}}<script>customerlab('number', function (a) { window.queued = a && a.number; });</script>{{fixture.TagScript(site)}}</head><body><p id="p">202-555-0198</p></body></html>"""));
        var answer = await TagBrowserFixture.AnswerAsync(page);

        Assert.NotNull(answer);
        var number = answer.Value.GetProperty("number").GetString();
        Assert.Equal(number, await page.EvaluateAsync<string>("() => window.queued"));
        Assert.Equal("function", await page.EvaluateAsync<string>("() => typeof customerlab"));
        // Swapping again is safe: the swapped number is not a target, so nothing changes twice.
        await page.EvaluateAsync("() => customerlab('swap')");
        Assert.Equal(Fill("###-###-####", Nsn(number!)), await page.InnerTextAsync("#p"));
    }

    [Fact]
    public async Task AntiFlicker_HidesTelLinksUntilSwapped_ThenShowsTheLeasedNumber()
    {
        var site = TagBrowserFixture.NewSiteKey();
        var usPool = NewUsPool();
        await fixture.CreateSiteAsync(site, [UsTarget], usPool, "+13125550199");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var release = new TaskCompletionSource();
        // Hold the edge's answer until the test has looked at the hidden state.
        await page.RouteAsync("**/v1/number", async route =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await route.ContinueAsync();
        });
        await page.GotoAsync(await fixture.ServePageAsync(context, "/hide",
            $"""<!doctype html><html><head>{fixture.TagScript(site, "data-hide data-timeout=\"5000\"")}</head><body><a id="tel" href="tel:+12025550198">(202) 555-0198</a><p id="text">202-555-0198</p></body></html>"""));
        await page.WaitForFunctionAsync("() => getComputedStyle(document.getElementById('tel')).visibility === 'hidden'");
        Assert.Equal("visible", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('text')).visibility"));

        release.SetResult();
        var answer = await TagBrowserFixture.AnswerAsync(page);

        Assert.NotNull(answer);
        Assert.Equal("visible", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('tel')).visibility"));
        Assert.Equal(Fill("(###) ###-####", Nsn(answer.Value.GetProperty("number").GetString()!)), await page.InnerTextAsync("#tel"));
    }
}
