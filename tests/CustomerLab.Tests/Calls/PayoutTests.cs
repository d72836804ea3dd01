using System.Globalization;
using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>Publisher payouts: each call judged by its site's rules when it ends; the payouts export; test calls never paid.</summary>
public sealed class PayoutTests(PhoneEdgeFixture fixture) : IClassFixture<PhoneEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PayoutsFollowTheRules_QualifiedTooShortNotAnsweredRepeatCallerAndTestCall_AndTheExportListsThemPerPublisher()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var testCaller = NewNumber();
        var rules = new
        {
            minTalkSeconds = 60, requireAnswered = true, newCallerDays = 30, defaultAmount = 10m, currency = "EUR",
            publishers = new Dictionary<string, decimal> { ["acme-pub"] = 25m }, testCallers = new[] { testCaller },
        };
        await CreateSiteAsync(admin, site, NumbersEdgeFixture.Numbers(2), NewNumber(), calls: new { payouts = rules });
        var acmeNumber = await VisitAsync(site, "acme-pub");
        var otherNumber = await VisitAsync(site, "other-pub");
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var (a, b, c) = (NewNumber(), NewNumber(), NewNumber());

        var qualified = await CallAsync(clickHouse, acmeNumber, a, talkSeconds: 90);
        var tooShort = await CallAsync(clickHouse, acmeNumber, b, talkSeconds: 30);
        var notAnswered = await CallAsync(clickHouse, acmeNumber, c, talkSeconds: null);
        var repeat = await CallAsync(clickHouse, acmeNumber, a, talkSeconds: 120);
        var test = await CallAsync(clickHouse, acmeNumber, testCaller, talkSeconds: 120);
        var byDefault = await CallAsync(clickHouse, otherNumber, NewNumber(), talkSeconds: 61);

        Assert.Equal(("true", "", 25m, "EUR", "acme-pub"), Verdict(qualified));
        Assert.Equal(("false", "too_short", 0m, "EUR", "acme-pub"), Verdict(tooShort));
        Assert.Equal(("false", "not_answered", 0m, "EUR", "acme-pub"), Verdict(notAnswered));
        Assert.Equal(("false", "repeat_caller", 0m, "EUR", "acme-pub"), Verdict(repeat));
        Assert.Equal(("false", "test_call", 0m, "EUR", "acme-pub"), Verdict(test));
        Assert.Equal("true", test["test_call"]);
        Assert.Equal(("true", "", 10m, "EUR", "other-pub"), Verdict(byDefault));

        var export = await admin.AdminAsync(HttpMethod.Get, $"/admin/exports/payouts.csv?site={site}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        var lines = (await export.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("publisher_id,currency,publisher_calls,publisher_total,call_id,started_at,tracking_number,caller_number,talk_seconds,payout", lines[0]);
        var paid = lines[1..].Select(l => l.Split(',')).ToList();
        Assert.Equal([("acme-pub", qualified["call_id"]), ("other-pub", byDefault["call_id"])], paid.Select(p => (p[0], p[4])));
        Assert.Equal((1, 25m, 25m), (int.Parse(paid[0][2], CultureInfo.InvariantCulture), Money(paid[0][3]), Money(paid[0][9])));
        Assert.Equal((1, 10m, 10m), (int.Parse(paid[1][2], CultureInfo.InvariantCulture), Money(paid[1][3]), Money(paid[1][9])));
    }

    [Fact]
    public async Task EditedRule_AppliesToCallsJudgedAfterwards_NotToEarlierOnes()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var forwardTo = NewNumber();
        var numbers = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, numbers, forwardTo, calls: new { payouts = new { minTalkSeconds = 60, defaultAmount = 5m } });
        var number = await VisitAsync(site, "p1");
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var before = await CallAsync(clickHouse, number, NewNumber(), talkSeconds: 90);

        var edit = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", forwardTo,
            calls = new { payouts = new { minTalkSeconds = 120, defaultAmount = 5m } },
        });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var after = await CallAsync(clickHouse, number, NewNumber(), talkSeconds: 90);

        Assert.Equal(("true", "", 5m, "USD", "p1"), Verdict(await CallRowAsync(clickHouse, before["call_id"])));
        Assert.Equal(("false", "too_short", 0m, "USD", "p1"), Verdict(after));
    }

    [Fact]
    public async Task PayoutRules_AreRefusedWithTheFieldNamed_IfInvalid()
    {
        using var admin = new EdgeClient(fixture.Edge);

        var response = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}", new
        {
            domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199",
            calls = new { payouts = new { minTalkSeconds = -1, currency = "euro", publishers = new Dictionary<string, decimal> { ["ok"] = -5m } } },
        });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["calls.payouts.currency", "calls.payouts.minTalkSeconds", "calls.payouts.publishers.ok"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>A visitor who came through <paramref name="publisher"/>; returns the tracking number it was shown.</summary>
    private async Task<string> VisitAsync(string site, string publisher)
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var landing = $"https://www.example.com/?pub={publisher}";
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, landing))).GetProperty("number").GetString()!;
        await visitor.SendPageviewAsync(site, landing, null, "Landing");
        var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 1,
            TimeSpan.FromSeconds(30), "the pageview in ClickHouse");
        return number;
    }

    /// <summary>A call from <paramref name="caller"/>: answered with that talk time, or (null) not answered; returns its row once stored.</summary>
    private async Task<Dictionary<string, string>> CallAsync(global::ClickHouse.Driver.ClickHouseClient clickHouse, string number, string caller, int? talkSeconds)
    {
        var call = new TwilioCall(fixture.Edge.CreateClient(), number, caller);
        await call.VoiceAsync();
        if (talkSeconds is { } talk) await call.AnsweredAsync(talk, talk + 5);
        else
        {
            await call.BusinessLegAsync("initiated");
            await call.BusinessLegAsync("no-answer");
            await call.DialActionAsync("no-answer", 0);
            await call.StatusAsync("completed", 25);
        }
        await WaitForCallAsync(fixture.Edge, clickHouse, call.CallSid);
        return await CallRowAsync(clickHouse, call.CallSid);
    }

    private static (string Qualified, string Reason, decimal Payout, string Currency, string Publisher) Verdict(Dictionary<string, string> row) =>
        (row["qualified"], row["qualification_reason"], Money(row["payout"]), row["payout_currency"], row["publisher_id"]);

    private static decimal Money(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
