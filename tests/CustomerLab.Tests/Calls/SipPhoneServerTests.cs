using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// Real SIP calls: SIPp callers dial tracking numbers through Debian's Kamailio running
/// <c>telephony/kamailio/kamailio.cfg</c>, which asks a real edge (Kestrel on a loopback port) where each call goes and
/// reports its lifecycle; SIPp businesses answer. Each test owns its edge, Kamailio and businesses.
/// </summary>
[Collection(nameof(SipCollection))]
public sealed class SipPhoneServerTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachCall_ReachesItsOwnSitesBusiness_AndIsAttributedToTheSessionThatHeldTheNumber()
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sip2sites");
        await using var first = Sipp.StartBusiness();
        await using var second = Sipp.StartBusiness();
        var (numberA, sessionA) = await phone.SiteWithVisitorAsync(first.Uri);
        var (numberB, sessionB) = await phone.SiteWithVisitorAsync(second.Uri);

        var run = await Sipp.CallAsync(phone.Kamailio.Port, [new(numberA, "+16175550101"), new(numberB, "+16175550102")], concurrent: 2);

        Assert.True(run.Outcome.ExitCode == 0, run.Describe() + phone.Kamailio.Output);
        var callA = run.Connected.Single(c => c.Number == numberA).CallId;
        var callB = run.Connected.Single(c => c.Number == numberB).CallId;
        Assert.Equal([callA], first.AnsweredCallIds);
        Assert.Equal([callB], second.AnsweredCallIds);
        foreach (var (callId, session) in new[] { (callA, sessionA), (callB, sessionB) })
        {
            await WaitForCallAsync(phone.Edge, phone.ClickHouse, callId);
            var row = await CallRowAsync(phone.ClickHouse, callId);
            Assert.Equal("sip", row["provider"]);
            Assert.Equal("attributed", row["attribution_status"]);
            Assert.Equal(session, row["session_id"]);
            Assert.Equal("GCLID-SIP", row["gclid"]);
            Assert.Equal("true", row["answered"]);
            Assert.Equal("completed", row["status"]);
            var reported = phone.ReportedDuration(callId);
            Assert.True(reported >= 2, $"Kamailio reported {reported} s for a call that talked 2 s");
            Assert.Equal(reported.ToString(), row["talk_seconds"]);
            Assert.True(int.Parse(row["duration_seconds"]) >= reported, $"duration {row["duration_seconds"]} < talk {reported}");
            Assert.Equal(1UL, await CountAsync(phone.ClickHouse, $"SELECT count() FROM calls FINAL WHERE call_id = '{callId}'"));
        }
    }

    [Fact]
    public async Task UnknownNumber_IsRefusedWithSip404_AndNoCallConnects()
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sipunknown");
        await using var business = Sipp.StartBusiness();
        await phone.SiteWithVisitorAsync(business.Uri);

        var unknown = NewNumber();
        var run = await Sipp.CallAsync(phone.Kamailio.Port, [new(unknown, "+16175550103")]);

        Assert.Empty(run.Connected);
        var refused = Assert.Single(run.Refused);
        Assert.Equal((404, unknown), (refused.Status, refused.Number));
        Assert.Empty(business.AnsweredCallIds);
    }

    [Fact]
    public async Task KnownNumber_ReachesItsOwnBusinessByTheCachedRoute_IfTheEdgeIsStopped_AndItsRowArrivesOnceAfterRestart()
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sipedgedown");
        await using var own = Sipp.StartBusiness();
        await using var other = Sipp.StartBusiness();
        var (number, session) = await phone.SiteWithVisitorAsync(own.Uri);
        await phone.SiteWithVisitorAsync(other.Uri);
        // One call while the edge is up teaches Kamailio the number's route.
        var learn = await Sipp.CallAsync(phone.Kamailio.Port, [new(number, "+16175550104")], talkMs: 100);
        Assert.True(learn.Outcome.ExitCode == 0, learn.Describe());
        await WaitForCallAsync(phone.Edge, phone.ClickHouse, learn.Connected.Single().CallId);

        await phone.StopEdgeAsync();
        var run = await Sipp.CallAsync(phone.Kamailio.Port, [new(number, "+16175550105")]);
        Assert.True(run.Outcome.ExitCode == 0, run.Describe() + phone.Kamailio.Output);
        var callId = run.Connected.Single().CallId;
        Assert.Contains(callId, own.AnsweredCallIds);
        Assert.DoesNotContain(callId, other.AnsweredCallIds);
        Assert.Contains(phone.Kamailio.Lines, l => l.Contains("cached route", StringComparison.Ordinal));

        await phone.RestartEdgeAsync();
        await WaitForCallAsync(phone.Edge, phone.ClickHouse, callId, TimeSpan.FromSeconds(60));
        var row = await CallRowAsync(phone.ClickHouse, callId);
        Assert.Equal(session, row["session_id"]);
        Assert.Equal("true", row["answered"]);
        Assert.Equal(phone.ReportedDuration(callId).ToString(), row["talk_seconds"]);
        Assert.Equal(1UL, await CountAsync(phone.ClickHouse, $"SELECT count() FROM calls FINAL WHERE call_id = '{callId}'"));
    }
}

/// <summary>
/// SIP tests run one at a time (each starts Kamailio and SIPp processes) beside the other collections, started early
/// because together they take a while.
/// </summary>
[CollectionDefinition(nameof(SipCollection))]
[LongRunning]
public sealed class SipCollection;
