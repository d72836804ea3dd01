using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerLab.Edge.Conversions;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// Form capture (issue 21) in Chromium against the real edge and ClickHouse: a submitted form sends a lead with its
/// fields' names and no value but the opted-in email, hashed in the browser; a GET form's typed values never reach
/// ClickHouse through the next page's URL; customerlab('lead') and customerlab('visitor') from the page.
/// </summary>
public sealed class TagLeadsTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Typed = "Ada Lovelace", Email = " Ada.Lovelace@Example.com ", Message = "Call me back on Tuesday", Zip = "94110";

    private async Task<(IBrowserContext Context, IPage Page, string Site, ConcurrentQueue<JsonElement> Leads)> OpenAsync(string path, string body)
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        await fixture.CreateSiteAsync(site, ["+12025550198"], NumbersEdgeFixture.Numbers(1), "+12025550199",
            leads: new { forms = "form.capture", emailField = "email" });
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var leads = new ConcurrentQueue<JsonElement>();
        page.Request += (_, r) => { if (r.Url.EndsWith("/v1/leads", StringComparison.Ordinal)) leads.Enqueue(JsonDocument.Parse(r.PostData ?? "{}").RootElement.Clone()); };
        var html = (string b) => $"<!doctype html><html><head><title>Leads</title>{fixture.TagScript(site)}</head><body>{b}</body></html>";
        await fixture.ServePageAsync(context, path, html(body));
        // The next page is served once the edge has taken the lead in, as it is on a real site when the lead's beacon
        // arrives before the next page's pageview; the other order is a known limit (docs/leads.md).
        var redis = fixture.Edge.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        await context.RouteAsync(fixture.BaseUrl + $"{path}-thanks**", async route =>
        {
            await Poll.UntilAsync(async () => !leads.IsEmpty && (leads.Last().TryGetProperty("g", out var g) && g.GetBoolean()
                    ? await redis.SetLengthAsync($"cl:{{{site}}}:getfields") > 0 : true),
                TimeSpan.FromSeconds(30), "the edge to take the GET form's lead in");
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html; charset=utf-8", Body = html("<p>Thanks!</p>") });
        });
        await page.GotoAsync(fixture.BaseUrl + path);
        Assert.NotNull(await TagBrowserFixture.AnswerAsync(page));
        // The leads file is loaded after the answer, for sites that capture forms.
        await page.WaitForFunctionAsync("() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/cl-leads.js'))");
        // Fetched is not yet run: a submit before the file has run and taken the site's form settings is not seen. A call
        // only the leads file answers (a visitor token) comes back once it has.
        Assert.NotNull(await page.EvaluateAsync<string?>("() => new Promise(r => customerlab('visitor', r))"));
        return (context, page, site, leads);
    }

    private static async Task FillAndSubmitAsync(IPage page, string form)
    {
        await page.FillAsync($"{form} [name=name]", Typed);
        await page.FillAsync($"{form} [name=email]", Email);
        await page.ClickAsync($"{form} button");
    }

    [Fact]
    public async Task SubmittedForm_SendsALeadWithFieldNamesOnly_AndTheOptedInEmailHashedInTheBrowser()
    {
        var (context, page, site, leads) = await OpenAsync("/lead-post",
            """<form class="capture" id="contact" method="post" action="/lead-post-thanks"><input name="name"><input name="email" type="email"><textarea name="message"></textarea><input type="password" name="secret"><button>Send</button></form>""");
        await using var _ = context;
        await page.FillAsync("#contact [name=message]", Message);
        await page.FillAsync("#contact [name=secret]", "hunter2");
        await FillAndSubmitAsync(page, "#contact");

        await Poll.UntilAsync(() => Task.FromResult(!leads.IsEmpty), TimeSpan.FromSeconds(60), "the lead request");
        var lead = leads.Single();
        var hash = MatchKeys.Hash("ada.lovelace@example.com");
        Assert.Equal("form", lead.GetProperty("o").GetString());
        Assert.Equal("contact", lead.GetProperty("f").GetString());
        Assert.Equal(["name", "email", "message"], lead.GetProperty("fs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(hash, lead.GetProperty("e").GetString());
        Assert.False(lead.TryGetProperty("er", out var _), "on a secure page the browser hashes: the address is not sent");
        foreach (var value in new[] { Typed, "Ada.Lovelace", "ada.lovelace", Message, "hunter2" })
            Assert.DoesNotContain(value, lead.GetRawText());

        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
                $"SELECT count() FROM conversion_events FINAL WHERE site_id = '{site}' AND form_id = 'contact' AND email_sha256 = '{hash}' AND origin = 'form' AND NOT verified", cancellationToken: Ct)) == 1,
            TimeSpan.FromSeconds(30), "the lead in ClickHouse");
        await AssertNotInClickHouseAsync(clickHouse, site, Typed, "Lovelace", Message, "hunter2");
    }

    [Fact]
    public async Task GetForm_TypedValuesInTheNextPagesUrl_NeverReachClickHouse()
    {
        var (context, page, site, leads) = await OpenAsync("/lead-get",
            """<form class="capture" id="quote" action="/lead-get-thanks"><input name="name"><input name="email"><input name="zip"><button>Quote</button></form>""");
        await using var _ = context;
        await page.FillAsync("#quote [name=zip]", Zip);
        await FillAndSubmitAsync(page, "#quote");
        // The next page's URL as soon as the browser commits to it; then its tag (the page's load may wait on a busy machine).
        await page.WaitForURLAsync("**/lead-get-thanks?**", new() { WaitUntil = WaitUntilState.Commit, Timeout = BrowserWorld.WaitTimeoutMs });
        Assert.Contains("zip=" + Zip, page.Url);
        await page.WaitForFunctionAsync("() => typeof customerlab == 'function'", null, new() { Timeout = BrowserWorld.WaitTimeoutMs });
        Assert.NotNull(await TagBrowserFixture.AnswerAsync(page));

        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        await Poll.UntilAsync(async () => Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
                $"SELECT count() FROM pageviews FINAL WHERE site_id = '{site}' AND path = '/lead-get-thanks'", cancellationToken: Ct)) == 1,
            TimeSpan.FromSeconds(30), "the thank-you pageview in ClickHouse");
        Assert.True(leads.Single().GetProperty("g").GetBoolean());
        await AssertNotInClickHouseAsync(clickHouse, site, Typed, "Lovelace", "Ada.Lovelace%40", Zip);
        Assert.Equal(fixture.BaseUrl + "/lead-get-thanks", Convert.ToString(await clickHouse.ExecuteScalarAsync(
            $"SELECT url FROM pageviews FINAL WHERE site_id = '{site}' AND path = '/lead-get-thanks'", cancellationToken: Ct)));
    }

    [Fact]
    public async Task PageApi_LeadIsHashed_AndTheVisitorTokenIsAcceptedByTheServerEndpoint()
    {
        var (context, page, site, leads) = await OpenAsync("/lead-api", "<div id=\"widget\">Chat</div>");
        await using var _ = context;

        await page.EvaluateAsync("() => customerlab('lead', { form: 'chat-widget', email: 'Bob@Example.org' })");
        var token = await page.EvaluateAsync<string>("() => new Promise(r => customerlab('visitor', r))");

        await Poll.UntilAsync(() => Task.FromResult(!leads.IsEmpty), TimeSpan.FromSeconds(60), "the lead request");
        var lead = leads.Single();
        Assert.Equal("page", lead.GetProperty("o").GetString());
        Assert.Equal("chat-widget", lead.GetProperty("f").GetString());
        Assert.Equal(MatchKeys.Hash("bob@example.org"), lead.GetProperty("e").GetString());
        Assert.DoesNotContain("Bob", lead.GetRawText());

        var secret = (await (await fixture.AdminAsync(HttpMethod.Post, $"/admin/sites/{site}/conversion-secret")).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/conversions")
        {
            Content = JsonContent.Create(new { site, type = "purchase", orderId = "W-1", value = 42, currency = "USD", visitor = token }),
        };
        request.Headers.Authorization = new("Bearer", secret);
        var stored = await fixture.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
    }

    /// <summary>None of the values appear in any column of the site's pageviews or conversions.</summary>
    private static async Task AssertNotInClickHouseAsync(global::ClickHouse.Driver.ClickHouseClient clickHouse, string site, params string[] values)
    {
        foreach (var value in values)
            foreach (var table in new[] { "pageviews", "conversion_events" })
                Assert.Equal(0UL, Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
                    $"SELECT count() FROM {table} WHERE site_id = '{site}' AND positionCaseInsensitive(toString(tuple(*)), '{value.Replace("'", "''")}') > 0")));
    }
}
