using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Conversions;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;

namespace CustomerLab.Tests.Conversions;

/// <summary>
/// Leads and purchases (issue 21) through the real edge, Garnet and the local ClickHouse: the server endpoint with the
/// site's secret, visitor tokens, idempotency, and one conversions view for calls, leads and purchases.
/// </summary>
public sealed class ConversionsApiTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Landing = "https://www.example.com/landing?utm_source=newsletter&utm_medium=email&utm_campaign=winter&gclid=GCLID-21";

    /// <summary>A visitor who came from the winter newsletter (an ad click too), with their pageviews in ClickHouse.</summary>
    private async Task<(EdgeClient Visitor, string Site, string Number, string Session, ClickHouseClient ClickHouse)> VisitorFromTheNewsletterAsync()
    {
        var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await visitor.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, Landing, "https://mail.example.net/"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, Landing, "https://mail.example.net/", "Landing")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, "https://www.example.com/contact", Landing, "Contact")).StatusCode);
        var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 2,
            TimeSpan.FromSeconds(30), "the visitor's pageviews in ClickHouse");
        return (visitor, site, number, session, clickHouse);
    }

    private static async Task<string> SecretAsync(EdgeClient admin, string site)
    {
        var rotated = await admin.AdminAsync(HttpMethod.Post, $"/admin/sites/{site}/conversion-secret");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        return (await EdgeClient.JsonAsync(rotated)).GetProperty("secret").GetString()!;
    }

    private async Task<HttpResponseMessage> PostConversionAsync(object body, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/conversions") { Content = JsonContent.Create(body) };
        if (secret is not null) request.Headers.Authorization = new("Bearer", secret);
        return await fixture.Edge.CreateClient().SendAsync(request, Ct);
    }

    private static async Task<string> VisitorTokenAsync(EdgeClient visitor, string site)
    {
        var answer = await visitor.SendTextAsync("/v1/visitor", JsonSerializer.Serialize(new { k = site, u = "https://www.example.com/checkout" }));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await EdgeClient.JsonAsync(answer)).GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task ServerPurchase_WithTheVisitorToken_IsAttributedToTheVisitorsCampaign_AndTheSameOrderIsStoredOnce()
    {
        var (visitor, site, _, session, clickHouse) = await VisitorFromTheNewsletterAsync();
        using var _ = visitor;
        using var __ = clickHouse;
        var secret = await SecretAsync(visitor, site);
        var token = await VisitorTokenAsync(visitor, site);
        var order = new { site, type = "purchase", orderId = "A-1001", value = 129.90m, currency = "eur", visitor = token, email = " Jane.Doe@Gmail.com" };

        var first = await PostConversionAsync(order, secret);
        var again = await PostConversionAsync(order, secret);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await EdgeClient.JsonAsync(again)).GetProperty("status").GetString());
        Assert.Equal(1UL, await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM conversion_events WHERE site_id = '{site}'"));
        var row = await RowAsync(clickHouse, $"SELECT * FROM conversions WHERE site_id = '{site}' AND conversion_id = 'A-1001'");
        Assert.Equal("purchase", row["type"]);
        Assert.Equal("server", row["origin"]);
        Assert.Equal("true", row["verified"]);
        Assert.Equal(session, row["session_id"]);
        Assert.Equal("attributed", row["attribution_status"]);
        Assert.Equal("newsletter", row["first_source"]);
        Assert.Equal("winter", row["last_campaign"]);
        Assert.Equal("GCLID-21", row["gclid"]);
        Assert.Equal(Landing, row["landing_page"]);
        Assert.Equal(129.9m, decimal.Parse(row["value"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("EUR", row["currency"]);
        // Only the match key of the normalised email is kept, never the address.
        Assert.Equal(MatchKeys.Hash("janedoe@gmail.com"), row["email_sha256"]);
        Assert.Equal(0UL, await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM conversion_events WHERE site_id = '{site}' AND positionCaseInsensitive(toString(tuple(*)), 'jane') > 0"));
    }

    [Fact]
    public async Task ConversionsView_ListsTheCallTheLeadAndThePurchaseOfOneVisitor_WithTheSameSource()
    {
        var (visitor, site, number, session, clickHouse) = await VisitorFromTheNewsletterAsync();
        using var _ = visitor;
        using var __ = clickHouse;
        var callId = "acme-" + Guid.NewGuid().ToString("N");
        var call = await CallWebhooks.SendGenericAsync(fixture.Edge.CreateClient(),
            new { provider = "acme", callId, from = "+16175550123", to = number, status = "completed", direction = "inbound", at = DateTimeOffset.UtcNow, durationSeconds = 60 });
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        var lead = await visitor.SendTextAsync("/v1/leads", JsonSerializer.Serialize(new
        {
            k = site, u = "https://www.example.com/contact", o = "form", i = "lead-" + Guid.NewGuid().ToString("N"), f = "contact", fs = new[] { "name", "email", "message" },
        }));
        Assert.Equal(HttpStatusCode.Accepted, lead.StatusCode);
        var purchase = await PostConversionAsync(new { site, type = "purchase", orderId = "B-7", value = 10, currency = "USD", visitor = await VisitorTokenAsync(visitor, site) },
            await SecretAsync(visitor, site));
        Assert.Equal(HttpStatusCode.Created, purchase.StatusCode);

        List<string[]> rows = [];
        await Poll.UntilAsync(async () =>
        {
            rows = await RowsAsync(clickHouse, $"SELECT type, origin, session_id, first_source, last_source, last_campaign, gclid FROM conversions WHERE site_id = '{site}' ORDER BY type");
            return rows.Count == 3;
        }, TimeSpan.FromSeconds(30), "the call, the lead and the purchase in the conversions view", () => string.Join(" | ", rows.Select(r => string.Join(",", r))));
        Assert.Equal(["call", "lead", "purchase"], rows.Select(r => r[0]));
        Assert.Equal(["acme", "form", "server"], rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal([session, "newsletter", "newsletter", "winter", "GCLID-21"], r[2..]));

        // Bought after calling: the purchase links to the call by the visitor; an order with only the caller's phone links by it.
        var secret = await SecretAsync(visitor, site);
        Assert.Equal(HttpStatusCode.Created, (await PostConversionAsync(new { site, type = "purchase", orderId = "B-8", phone = "(617) 555-0123" }, secret)).StatusCode);
        var links = await RowsAsync(clickHouse, $"SELECT conversion_id, call_id, linked_by FROM conversion_call_links WHERE site_id = '{site}' ORDER BY conversion_id");
        Assert.Equal([["B-7", callId, "visitor"], ["B-8", callId, "phone"]], links.Where(l => l[0].StartsWith('B')));

        // Google Ads: the lead and the purchase as click conversions (the call has its own export, keyed by caller id).
        var csv = await (await visitor.AdminAsync(HttpMethod.Get, $"/admin/exports/google-ads-conversions.csv?site={site}&leadValue=5&currency=EUR")).Content.ReadAsStringAsync(Ct);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Parameters:TimeZone=+0000", "Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency"], lines[..2]);
        Assert.Equal(2, lines.Length - 2);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^GCLID-21,Lead,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000,5,EUR$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^GCLID-21,Purchase,.*,10,USD$"));
    }

    [Fact]
    public async Task ServerConversion_NeedsTheSitesSecret_AndBadFieldsAre400NamingThem()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));
        var valid = new { site, type = "purchase", orderId = "C-1", phone = "(415) 555-0132" };

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostConversionAsync(valid, secret: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostConversionAsync(valid, "cls_not-the-secret")).StatusCode);
        var old = await SecretAsync(admin, site);
        var secret = await SecretAsync(admin, site);
        // A rotation leaves the previous secret valid until the next one.
        Assert.Equal(HttpStatusCode.Created, (await PostConversionAsync(valid, old)).StatusCode);
        await SecretAsync(admin, site);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostConversionAsync(valid with { orderId = "C-2" }, old)).StatusCode);

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { site, type = "refund", orderId = "C-3", phone = "+14155550132" }, "type"),
            (new { site, type = "purchase", phone = "+14155550132" }, "orderId"),
            (new { site, type = "lead", phone = "+14155550132" }, "eventId"),
            (new { site, type = "purchase", orderId = "C-4", value = 5, phone = "+14155550132" }, "currency"),
            (new { site, type = "purchase", orderId = "C-5", value = -1, currency = "USD", phone = "+14155550132" }, "value"),
            (new { site, type = "purchase", orderId = "C-6", email = "not an email" }, "email"),
            (new { site, type = "purchase", orderId = "C-7", phoneSha256 = "abc" }, "phoneSha256"),
            (new { site, type = "purchase", orderId = "C-8", visitor = "forged.token" }, "visitor"),
            (new { site, type = "purchase", orderId = "C-9" }, "visitor"),
            (new { site, type = "purchase", orderId = "C-10", phone = "+14155550132", time = DateTimeOffset.UtcNow.AddDays(2) }, "time"),
        })
        {
            var response = await PostConversionAsync(body, secret);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await EdgeClient.JsonAsync(response);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        var notJson = new HttpRequestMessage(HttpMethod.Post, "/v1/conversions") { Content = new StringContent("""{"site":"x","value":"ten"}""", System.Text.Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Edge.CreateClient().SendAsync(notJson, Ct)).StatusCode);
    }

    [Fact]
    public async Task LeadFromAPageWithoutWebCrypto_IsHashedByTheEdge_AndItsGetFieldsLeaveStoredUrls()
    {
        var (visitor, site, _, _, clickHouse) = await VisitorFromTheNewsletterAsync();
        using var _ = visitor;
        using var __ = clickHouse;
        var lead = await visitor.SendTextAsync("/v1/leads", JsonSerializer.Serialize(new
        {
            k = site, u = "https://www.example.com/quote", o = "form", i = "lead-raw", f = "quote", fs = new[] { "email", "zip" }, g = true,
            er = "Raw.Person@Example.com", pr = "415-555-0132",
        }));
        Assert.Equal(HttpStatusCode.Accepted, lead.StatusCode);
        // The GET form's answer page carries what was typed in its URL: the edge stores it without those parameters.
        Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, "https://www.example.com/thanks?email=Raw.Person%40Example.com&zip=94110&ok=1",
            "https://www.example.com/quote?email=Raw.Person%40Example.com&zip=94110")).StatusCode);

        var row = await RowAsync(clickHouse, $"SELECT * FROM conversion_events FINAL WHERE site_id = '{site}' AND conversion_id = 'lead-raw'");
        Assert.Equal(MatchKeys.Hash("raw.person@example.com"), row["email_sha256"]);
        Assert.Equal(MatchKeys.Hash("+14155550132"), row["phone_sha256"]);
        Assert.Equal("['email','zip']", row["form_fields"]);
        await Poll.UntilAsync(async () => await CallsTesting.CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE site_id = '{site}' AND path = '/thanks'") == 1,
            TimeSpan.FromSeconds(30), "the thank-you pageview");
        var stored = await RowsAsync(clickHouse, $"SELECT url, referrer FROM pageviews FINAL WHERE site_id = '{site}' AND path = '/thanks'");
        Assert.Equal(["https://www.example.com/thanks?ok=1", "https://www.example.com/quote"], stored[0]);
        foreach (var raw in new[] { "raw.person", "Raw.Person", "94110", "555-0132" })
            Assert.Equal(0UL, await CallsTesting.CountAsync(clickHouse,
                $"SELECT (SELECT count() FROM pageviews WHERE site_id = '{site}' AND position(toString(tuple(*)), '{raw}') > 0) + " +
                $"(SELECT count() FROM conversion_events WHERE site_id = '{site}' AND position(toString(tuple(*)), '{raw}') > 0)"));
    }

    [Fact]
    public async Task LeadAndVisitorToken_FromAnOptedOutBrowser_StoreNothing()
    {
        var (visitor, site, _, _, clickHouse) = await VisitorFromTheNewsletterAsync();
        using var _ = visitor;
        using var __ = clickHouse;
        var body = JsonSerializer.Serialize(new { k = site, u = "https://www.example.com/contact", o = "form", i = "lead-gpc", f = "contact", fs = new[] { "email" } });

        var lead = await visitor.SendTextAsync("/v1/leads", body, r => r.Headers.Add("Sec-GPC", "1"));
        var token = await visitor.SendTextAsync("/v1/visitor", JsonSerializer.Serialize(new { k = site, u = "https://www.example.com/" }), r => r.Headers.Add("Sec-GPC", "1"));
        var stored = await visitor.SendTextAsync("/v1/leads", body.Replace("lead-gpc", "lead-ok"));

        Assert.Equal(HttpStatusCode.NoContent, lead.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, token.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        // The request without GPC is stored, and it was spooled after the one with GPC, so that one would be there by now.
        var leads = $"SELECT conversion_id FROM conversion_events FINAL WHERE site_id = '{site}'";
        await RowAsync(clickHouse, leads);
        Assert.Equal(["lead-ok"], (await RowsAsync(clickHouse, leads)).Select(r => r[0]));
    }

    /// <summary>The first row of the query (every column as text), once there is one.</summary>
    private static async Task<Dictionary<string, string>> RowAsync(ClickHouseClient clickHouse, string sql)
    {
        Dictionary<string, string>? row = null;
        await Poll.UntilAsync(async () => (row = await CallsTesting.RowOrNullAsync(clickHouse, sql)) is not null, TimeSpan.FromSeconds(30), sql);
        return row!;
    }

    private static async Task<List<string[]>> RowsAsync(ClickHouseClient clickHouse, string sql)
    {
        var rows = new List<string[]>();
        using var reader = await clickHouse.ExecuteReaderAsync(sql, cancellationToken: Ct);
        while (await reader.ReadAsync(Ct))
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "")]);
        return rows;
    }
}
