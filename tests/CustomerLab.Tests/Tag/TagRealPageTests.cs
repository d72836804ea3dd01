using System.Text;
using CustomerLab.Edge.Phones;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Playwright;
using static CustomerLab.Tests.Tag.PhoneTemplates;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// Issue 20 in a real Chromium against the real edge: numbers split across inline elements, open shadow roots (at
/// load, attached later, nested), and the exact shapes of each country, written back in the shape they were found in.
/// </summary>
[LongRunning]
public sealed class TagRealPageTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private const string UsTarget = "+12025550198";

    private static string NsnOf(string e164) => PhoneNumberParsing.FromE164(e164).TagMatch[1];

    private async Task<(IBrowserContext Context, IPage Page, string Leased)> OpenAsync(string path, string body, string head = "",
        string region = "US", string target = UsTarget, string[]? pool = null, Func<IPage, Task>? beforeLoad = null)
    {
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, [target], pool ?? NumbersEdgeFixture.Numbers(1), target, region);
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        if (beforeLoad is not null) await beforeLoad(page);
        await page.GotoAsync(await fixture.ServePageAsync(context, path,
            $"<!doctype html><html><head>{head}{fixture.TagScript(site)}</head><body>{body}</body></html>"));
        var answer = await TagBrowserFixture.AnswerAsync(page);
        Assert.NotNull(answer);
        var number = answer.Value.GetProperty("number").GetString()!;
        Assert.NotEqual(target, number);
        return (context, page, NsnOf(number));
    }

    [Fact]
    public async Task SplitNumbers_AreSwappedInTheirOwnElements_AndCellsAndListItemsStay()
    {
        var t = NsnOf(UsTarget);
        var body = new StringBuilder()
            .Append($"<p id=\"spans\">Call <span class=\"area\">({t[..3]})</span> <span>{t[3..6]}-{t[6..]}</span> today</p>")
            .Append($"<p id=\"bold\">Call <b>{t[..3]}</b>-{t[3..6]}-{t[6..]} now</p>")
            .Append($"<p id=\"deep\"><a href=\"tel:{UsTarget}\"><strong><em>+1</em> ({t[..3]})</strong> <small>{t[3..6]}</small>.{t[6..]}</a></p>")
            .Append($"<table><tr><td id=\"c1\">({t[..3]})</td><td id=\"c2\">{t[3..6]}-{t[6..]}</td></tr></table>")
            .Append($"<ul><li id=\"l1\">{t[..3]}</li><li id=\"l2\">{t[3..6]}-{t[6..]}</li></ul>")
            .Append($"<p id=\"br\">{t[..3]}<br>{t[3..6]}-{t[6..]}</p>")
            .Append($"<p id=\"odd\"><span>{t[..3]}-{t[3..7]}</span>-<span>{t[7..]}</span></p>")
            .ToString();
        var (context, page, l) = await OpenAsync("/split", body);
        await using var _ = context;
        // Split numbers are the extension's (cl-more.js), which the tag loads after its first answer.
        await page.WaitForFunctionAsync($"() => document.querySelector('#spans .area').textContent == '({l[..3]})'");

        Assert.Equal($"({l[..3]})", await page.InnerTextAsync("#spans .area"));
        Assert.Equal($"<span class=\"area\">({l[..3]})</span> <span>{l[3..6]}-{l[6..]}</span>", await InnerHtmlAfterAsync(page, "#spans", "Call "));
        Assert.Equal($"Call <b>{l[..3]}</b>-{l[3..6]}-{l[6..]} now", await page.InnerHTMLAsync("#bold"));
        Assert.Equal($"<a href=\"tel:+1{l}\"><strong><em>+1</em> ({l[..3]})</strong> <small>{l[3..6]}</small>.{l[6..]}</a>", await page.InnerHTMLAsync("#deep"));
        Assert.Equal($"({t[..3]})|{t[3..6]}-{t[6..]}", await page.InnerTextAsync("#c1") + "|" + await page.InnerTextAsync("#c2"));
        Assert.Equal($"{t[..3]}|{t[3..6]}-{t[6..]}", await page.InnerTextAsync("#l1") + "|" + await page.InnerTextAsync("#l2"));
        Assert.Equal($"{t[..3]}<br>{t[3..6]}-{t[6..]}", await page.InnerHTMLAsync("#br"));
        // 202-5550-198 is not a US shape, split or not.
        Assert.Equal($"<span>{t[..3]}-{t[3..7]}</span>-<span>{t[7..]}</span>", await page.InnerHTMLAsync("#odd"));

        // A split number the page adds later (an SPA rendering) is swapped by the observer.
        await page.EvaluateAsync($$"""() => { const p = document.createElement('p'); p.id = 'late'; p.innerHTML = '<i>{{t[..3]}}</i> <i>{{t[3..6]}}</i> <i>{{t[6..]}}</i>'; document.body.append(p); }""");
        await Poll.UntilAsync(async () => await page.InnerHTMLAsync("#late") == $"<i>{l[..3]}</i> <i>{l[3..6]}</i> <i>{l[6..]}</i>",
            TimeSpan.FromSeconds(60), "the late split number to be swapped");
    }

    private static async Task<string> InnerHtmlAfterAsync(IPage page, string selector, string prefix)
    {
        var html = await page.InnerHTMLAsync(selector);
        Assert.StartsWith(prefix, html);
        return html[prefix.Length..^" today".Length];
    }

    /// <summary>A custom element with an open shadow root holding a number (and one with a closed root, which stays).</summary>
    private static string Components(string t) => $$"""
        <script>
          customElements.define('cl-phone', class extends HTMLElement {
            constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p>Call <b>({{t[..3]}})</b> {{t[3..6]}}-{{t[6..]}}</p><cl-inner></cl-inner>'; }
          });
          customElements.define('cl-inner', class extends HTMLElement {
            constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<a href="tel:+1{{t}}">{{t[..3]}}.{{t[3..6]}}.{{t[6..]}}</a>'; }
          });
          customElements.define('cl-closed', class extends HTMLElement {
            constructor() { super(); window.closedRoot = this.attachShadow({ mode: 'closed' }); window.closedRoot.innerHTML = '<p>({{t[..3]}}) {{t[3..6]}}-{{t[6..]}}</p>'; }
          });
        </script>
        """;

    private const string OuterText = "() => document.querySelector('#at-load').shadowRoot.querySelector('p').innerHTML";
    private const string InnerLink = "() => document.querySelector('#at-load').shadowRoot.querySelector('cl-inner').shadowRoot.querySelector('a').outerHTML";

    [Fact]
    public async Task ShadowRoots_PresentAtLoad_AndNested_AreSwapped_ClosedOnesCannotBeReached()
    {
        var t = NsnOf(UsTarget);
        var body = $"<cl-phone id=\"at-load\"></cl-phone><cl-closed></cl-closed>" +
                   $"<div id=\"declarative\"><template shadowrootmode=\"open\"><span>{t[..3]}-{t[3..6]}-{t[6..]}</span></template></div>";
        // The components are defined (and their roots attached) before the tag loads.
        var (context, page, l) = await OpenAsync("/shadow-load", body, head: Components(t));
        await using var _ = context;
        // Shadow roots are the extension's (cl-more.js), which the tag loads after its first answer.
        await page.WaitForFunctionAsync($"() => document.querySelector('#declarative').shadowRoot.textContent == '{l[..3]}-{l[3..6]}-{l[6..]}'");

        Assert.Equal($"Call <b>({l[..3]})</b> {l[3..6]}-{l[6..]}", await page.EvaluateAsync<string>(OuterText));
        Assert.Equal($"<a href=\"tel:+1{l}\">{l[..3]}.{l[3..6]}.{l[6..]}</a>", await page.EvaluateAsync<string>(InnerLink));
        Assert.Equal($"{l[..3]}-{l[3..6]}-{l[6..]}", await page.EvaluateAsync<string>("() => document.querySelector('#declarative').shadowRoot.textContent"));
        Assert.Equal($"<p>({t[..3]}) {t[3..6]}-{t[6..]}</p>", await page.EvaluateAsync<string>("() => window.closedRoot.innerHTML"));

        // What the page changes inside an open root later is swapped too.
        await page.EvaluateAsync($"() => document.querySelector('#at-load').shadowRoot.querySelector('p').append(' or {t[..3]}.{t[3..6]}.{t[6..]}')");
        await Poll.UntilAsync(async () => (await page.EvaluateAsync<string>(OuterText)).EndsWith($" or {l[..3]}.{l[3..6]}.{l[6..]}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the text added inside the shadow root to be swapped");
    }

    [Fact]
    public async Task ShadowRoots_AttachedOneSecondAfterLoad_AndNestedInThem_AreSwapped()
    {
        var t = NsnOf(UsTarget);
        var head = Components(t) + $$"""
            <script>
              setTimeout(() => {
                const root = document.getElementById('later').attachShadow({ mode: 'open' });
                root.innerHTML = '<p>Call ({{t[..3]}}) {{t[3..6]}}-{{t[6..]}}</p>';
                root.append(document.createElement('cl-phone'));
              }, 1000);
            </script>
            """;
        var (context, page, l) = await OpenAsync("/shadow-later", "<div id=\"later\"></div>", head, beforeLoad: PausedClock.InstallAsync);
        await using var _ = context;
        Assert.False(await page.EvaluateAsync<bool>("() => !!document.getElementById('later').shadowRoot"));

        await page.Clock.RunForAsync(1000);
        const string later = "() => document.getElementById('later').shadowRoot";
        await Poll.UntilAsync(async () => await page.EvaluateAsync<string>($"() => ({later})().querySelector('p').textContent") == $"Call ({l[..3]}) {l[3..6]}-{l[6..]}",
            TimeSpan.FromSeconds(60), "the root attached later to be swapped");
        await Poll.UntilAsync(async () => await page.EvaluateAsync<string>(
                $"() => ({later})().querySelector('cl-phone').shadowRoot.querySelector('cl-inner').shadowRoot.textContent") == $"{l[..3]}.{l[3..6]}.{l[6..]}",
            TimeSpan.FromSeconds(60), "the roots nested in it to be swapped");
    }

    /// <summary>
    /// Per country: region, target, a pool number of the same shape, the shapes people write ('#' = a digit of the
    /// national significant number), and look-alikes that are not a shape of the number and must stay. The US pool
    /// number ("") is taken when the test runs: theory data may be built in another process than the one running it.
    /// </summary>
    public static TheoryData<string, string, string, string[], string[]> Countries()
    {
        var r = Random.Shared;
        return new()
        {
            { "US", UsTarget, "",
                ["(###) ###-####", "###-###-####", "###/###-####", "###.###.####", "+1 ### ### ####", "1-###-###-####", "##########", "+1##########", "###\u00a0###\u00a0####"],
                ["###-####-###", "####-###-###"] },
            { "CA", "+16042151234", $"+1604215{r.Next(5000, 9999)}", ["(###) ###-####", "+1 ###-###-####", "###.###.####"], ["###-####-###"] },
            { "GB", "+442079460000", $"+44207946{r.Next(500, 990):D4}",
                ["0## #### ####", "(0##) #### ####", "+44 ## #### ####", "+44 (0)## #### ####", "+44 (0) ## #### ####", "0##########"],
                ["0### ### ####", "0## ### #####"] },
            { "AU", "+61298765432", $"+6129876{r.Next(5500, 5999)}", ["(0#) #### ####", "0# #### ####", "+61 # #### ####", "+61 (0)# #### ####"], ["0### ### ###"] },
            { "DE", "+493023125100", $"+49302312{r.Next(5500, 5999)}",
                ["0##/########", "0## ### ### ##", "+49 ## ########", "+49 (0)## ########", "(0##) ## ## ## ##", "0## / ### ### ##"], [] },
            { "FR", "+33123456789", $"+331234567{r.Next(10, 80)}", ["0# ## ## ## ##", "0#.##.##.##.##", "+33 # ## ## ## ##", "+33 (0)# ## ## ## ##"], ["0## ### ####", "0# ### ### ##"] },
            { "IE", "+35312345678", $"+3531234{r.Next(5700, 5999)}", ["(0#) ### ####", "0# ### ####", "+353 # ### ####"], ["0## ### ###"] },
            { "NZ", "+6493456789", $"+649345{r.Next(6800, 6999)}", ["0# ### ####", "(0#) ###-####", "+64 # ### ####"], ["0## ### ###"] },
        };
    }

    [Theory]
    [MemberData(nameof(Countries))]
    public async Task RealShapes_AreSwappedInTheSameShape_LookAlikesStay(string region, string target, string poolNumber, string[] shapes, string[] lookAlikes)
    {
        if (poolNumber.Length == 0) poolNumber = NumbersEdgeFixture.Numbers(1)[0];
        var t = NsnOf(target);
        var body = new StringBuilder();
        for (var i = 0; i < shapes.Length; i++) body.Append($"<p id=\"s{i}\">Call {Fill(shapes[i], t)} today</p>");
        for (var i = 0; i < lookAlikes.Length; i++) body.Append($"<p id=\"x{i}\">Ref {Fill(lookAlikes[i], t)}</p>");
        body.Append($"<p id=\"longer\">Ref {t}7</p><a id=\"tel\" href=\"tel:{target}\">call</a><a id=\"callto\" href=\"callto:{target}\">call</a>");
        var (context, page, l) = await OpenAsync("/shapes-" + region, body.ToString(), region: region, target: target, pool: [poolNumber]);
        await using var _ = context;

        for (var i = 0; i < shapes.Length; i++) Assert.Equal($"Call {Fill(shapes[i], l)} today", await page.InnerTextAsync($"#s{i}"));
        for (var i = 0; i < lookAlikes.Length; i++) Assert.Equal($"Ref {Fill(lookAlikes[i], t)}", await page.InnerTextAsync($"#x{i}"));
        Assert.Equal($"Ref {t}7", await page.InnerTextAsync("#longer"));
        Assert.Equal(poolNumber, await page.GetAttributeAsync("#tel", "href") is { } tel ? tel["tel:".Length..] : null);
        Assert.Equal(poolNumber, await page.GetAttributeAsync("#callto", "href") is { } callto ? callto["callto:".Length..] : null);
    }
}
