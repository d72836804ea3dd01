using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>Texts to tracking numbers: forwarded to the business, attributed like calls, replies relayed, STOP/START/HELP honoured.</summary>
public sealed class TextTests(PhoneEdgeFixture fixture) : IClassFixture<PhoneEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Text_IsForwardedAndAttributed_AndTheBusinessReplyIsRelayedToTheConsumer()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var forwardTo = NewNumber();
        await CreateSiteAsync(visitor, site, NumbersEdgeFixture.Numbers(2), forwardTo);
        const string landing = "https://www.example.com/?gclid=GCLID-TEXT&utm_source=google&utm_medium=cpc";
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        await visitor.SendPageviewAsync(site, landing, "https://www.google.com/", "Landing");
        var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 1,
            TimeSpan.FromSeconds(30), "the pageview in ClickHouse");
        var http = fixture.Edge.CreateClient();
        var consumer = NewNumber();

        var (inbound, forwarded, inboundSid) = await TwilioText.SendAsync(http, consumer, number, "Are you open on Sunday?");
        var (_, relayed, replySid) = await TwilioText.SendAsync(http, forwardTo, number, "Yes, 9 to 5.");

        Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        Assert.Equal("text/xml", inbound.Content.Headers.ContentType!.MediaType);
        var message = Assert.Single(forwarded!.Elements());
        Assert.Equal("Message", message.Name.LocalName);
        Assert.Equal(forwardTo, (string?)message.Attribute("to"));
        Assert.Equal(number, (string?)message.Attribute("from"));
        Assert.Equal($"From {consumer}: Are you open on Sunday?", message.Value);
        var reply = Assert.Single(relayed!.Elements());
        Assert.Equal(consumer, (string?)reply.Attribute("to"));
        Assert.Equal(number, (string?)reply.Attribute("from"));
        Assert.Equal("Yes, 9 to 5.", reply.Value);

        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM texts FINAL WHERE message_id IN ('{inboundSid}', '{replySid}')") == 2,
            TimeSpan.FromSeconds(30), "both texts in ClickHouse");
        var row = await RowAsync(clickHouse, $"SELECT * FROM texts FINAL WHERE message_id = '{inboundSid}'");
        Assert.Equal(("inbound", "forwarded", "attributed"), (row["direction"], row["outcome"], row["attribution_status"]));
        Assert.Equal((site, "main", number, consumer, consumer), (row["site_id"], row["pool_id"], row["tracking_number"], row["sender_number"], row["consumer_number"]));
        Assert.Equal((session, "GCLID-TEXT"), (row["session_id"], row["gclid"]));
        Assert.Equal(("23", ""), (row["body_length"], row["body"]));
        var replyRow = await RowAsync(clickHouse, $"SELECT * FROM texts FINAL WHERE message_id = '{replySid}'");
        Assert.Equal(("reply", "relayed", "reply"), (replyRow["direction"], replyRow["outcome"], replyRow["attribution_status"]));
        Assert.Equal((forwardTo, consumer, consumer), (replyRow["sender_number"], replyRow["recipient_number"], replyRow["consumer_number"]));

        // The consumer's text is a conversion, attributed like a call; the business's reply is not.
        var conversion = await RowAsync(clickHouse, $"SELECT type, attribution_status, session_id, gclid FROM conversions WHERE conversion_id = '{inboundSid}'");
        Assert.Equal(("text", "attributed", session, "GCLID-TEXT"), (conversion["type"], conversion["attribution_status"], conversion["session_id"], conversion["gclid"]));
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM conversions WHERE conversion_id = '{replySid}'"));
    }

    [Fact]
    public async Task StopIsHonoured_NoReplyIsRelayedUntilStart_AndHelpIsAnswered()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1)[0];
        var forwardTo = NewNumber();
        await CreateSiteAsync(admin, site, [number], forwardTo, calls: new { texts = new { helpMessage = "Acme: reply STOP to opt out." } });
        var http = fixture.Edge.CreateClient();
        var consumer = NewNumber();

        var (_, first, _) = await TwilioText.SendAsync(http, consumer, number, "Hello");
        var (_, stop, stopSid) = await TwilioText.SendAsync(http, consumer, number, "Stop");
        var (_, afterStop, afterStopSid) = await TwilioText.SendAsync(http, forwardTo, number, "Are you still there?");
        var (_, help, _) = await TwilioText.SendAsync(http, consumer, number, "HELP");
        var (_, start, _) = await TwilioText.SendAsync(http, consumer, number, "START");
        var (_, afterStart, _) = await TwilioText.SendAsync(http, forwardTo, number, "Welcome back.");

        Assert.Single(first!.Elements());
        Assert.Empty(stop!.Elements());
        Assert.Empty(afterStop!.Elements());
        var helpMessage = Assert.Single(help!.Elements());
        Assert.Equal("Acme: reply STOP to opt out.", helpMessage.Value);
        Assert.Null(helpMessage.Attribute("to"));
        Assert.Empty(start!.Elements());
        Assert.Equal(consumer, (string?)Assert.Single(afterStart!.Elements()).Attribute("to"));
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM texts FINAL WHERE message_id IN ('{stopSid}', '{afterStopSid}')") == 2,
            TimeSpan.FromSeconds(30), "the STOP and the dropped reply in ClickHouse");
        Assert.Equal(("stop", "opted_out"), Pair(await RowAsync(clickHouse, $"SELECT keyword, outcome FROM texts FINAL WHERE message_id = '{stopSid}'")));
        Assert.Equal(("", "dropped"), Pair(await RowAsync(clickHouse, $"SELECT keyword, outcome FROM texts FINAL WHERE message_id = '{afterStopSid}'")));
        // A keyword is not a conversion.
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM conversions WHERE conversion_id = '{stopSid}'"));
    }

    [Fact]
    public async Task ReplyWithoutARecentTexter_IsDropped_AndBodiesAreKeptOnlyWhenTheSiteOptsIn_AndForwardingCanBeOff()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1)[0];
        var forwardTo = NewNumber();
        await CreateSiteAsync(admin, site, [number], forwardTo, calls: new { texts = new { forward = false, storeBody = true } });
        var http = fixture.Edge.CreateClient();

        var (_, orphan, _) = await TwilioText.SendAsync(http, forwardTo, number, "Anyone?");
        var (_, notForwarded, sid) = await TwilioText.SendAsync(http, NewNumber(), number, "Keep this body");
        var (unsigned, _, _) = await TwilioText.SendAsync(http, NewNumber(), number, "Hi", token: "not-the-token");

        Assert.Empty(orphan!.Elements());
        Assert.Empty(notForwarded!.Elements());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM texts FINAL WHERE message_id = '{sid}'") == 1,
            TimeSpan.FromSeconds(30), "the text in ClickHouse");
        var row = await RowAsync(clickHouse, $"SELECT outcome, body FROM texts FINAL WHERE message_id = '{sid}'");
        Assert.Equal(("not_forwarded", "Keep this body"), (row["outcome"], row["body"]));
    }

    [Fact]
    public async Task PrivacyRequestsByPhone_CoverTexts_AndTheRelaysMemoryOfTheConsumer()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1)[0];
        var forwardTo = NewNumber();
        await CreateSiteAsync(admin, site, [number], forwardTo);
        var http = fixture.Edge.CreateClient();
        var consumer = NewNumber();
        var (_, _, sid) = await TwilioText.SendAsync(http, consumer, number, "Hi there");
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM texts FINAL WHERE message_id = '{sid}'") == 1,
            TimeSpan.FromSeconds(30), "the text in ClickHouse");

        var export = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { phoneNumber = consumer }));
        var deleted = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { phoneNumber = consumer }));
        var (_, replyAfterDeletion, _) = await TwilioText.SendAsync(http, forwardTo, number, "Hello?");

        Assert.Equal(sid, Assert.Single(export.GetProperty("data").GetProperty("clickhouse").GetProperty("texts").EnumerateArray()).GetProperty("message_id").GetString());
        Assert.Contains(export.GetProperty("data").GetProperty("redis").EnumerateArray(), e => e.GetProperty("kind").GetString() == "text_last_texter");
        Assert.Equal(1, deleted.GetProperty("counts").GetProperty("clickhouse.texts").GetInt64());
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM texts WHERE consumer_number = '{consumer}'"));
        // The relay no longer knows the consumer: the business's reply goes nowhere.
        Assert.Empty(replyAfterDeletion!.Elements());
    }

    private static (string, string) Pair(Dictionary<string, string> row) => (row["keyword"], row["outcome"]);
}
