using System.Net;
using System.Text;
using CustomerLab.Edge.Calls.Recordings;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.DependencyInjection;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// Access and deletion requests cover recordings, by phone number and by visitor; a deleted recording is also deleted at
/// Twilio (the local stand-in) through the durable queue, retried while Twilio fails.
/// </summary>
public sealed class RecordingDeletionTests(PhoneEdgeFixture fixture) : IClassFixture<PhoneEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeletionByPhone_RemovesTheRecordingRow_AndDeletesItAtTwilio_RetryingWhileTwilioFails()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var caller = NewNumber();
        var (call, recordingSid) = await RecordedCallAsync(admin, caller, visitor: null);
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);

        var export = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { phoneNumber = caller }));
        fixture.Twilio.FailNext(2);
        var delete = await admin.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { phoneNumber = caller });
        var deleted = await EdgeClient.JsonAsync(delete);

        var exported = Assert.Single(export.GetProperty("data").GetProperty("clickhouse").GetProperty("call_recordings").EnumerateArray());
        Assert.Equal(recordingSid, exported.GetProperty("recording_sid").GetString());
        Assert.True(exported.GetProperty("notice_played").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(1, deleted.GetProperty("counts").GetProperty("clickhouse.call_recordings").GetInt64());
        Assert.Equal(1, deleted.GetProperty("counts").GetProperty("twilio.recordings_queued_for_deletion").GetInt64());
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM call_recordings WHERE recording_sid = '{recordingSid}'"));
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM calls WHERE call_id = '{call.CallSid}'"));

        // Twilio fails twice (500), then the retried DELETE succeeds, and the queue forgets the recording.
        await Poll.UntilAsync(() => Task.FromResult(fixture.Twilio.Deletes(recordingSid).Any(r => r.AnsweredStatus == 204)),
            TimeSpan.FromSeconds(60), "the DELETE answered 204 by the stand-in", () => string.Join(" | ", fixture.Edge.Logs.Lines.TakeLast(5)));
        var deletes = fixture.Twilio.Deletes(recordingSid).ToList();
        Assert.Equal([500, 500, 204], deletes.Select(d => d.AnsweredStatus));
        Assert.All(deletes, d => Assert.Equal($"/2010-04-01/Accounts/{TwilioCall.AccountSid}/Recordings/{recordingSid}.json", d.Path));
        Assert.All(deletes, d => Assert.Equal(
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioCall.AccountSid}:{EdgeApplication.TwilioAuthToken}")), d.Authorization));
        var queue = fixture.Edge.Services.GetRequiredService<RecordingDeletionQueue>();
        await Poll.UntilAsync(async () => await queue.CountAsync() == 0, TimeSpan.FromSeconds(30), "the deletion queue empty");
    }

    [Fact]
    public async Task DeletionByVisitor_RemovesTheRecordingOfTheVisitorsCall_AndDeletesItAtTwilio()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var (_, recordingSid) = await RecordedCallAsync(visitor, NewNumber(), visitor);
        var visitorId = visitor.Cookies[VisitorCookies.VisitorCookie].Split('.')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        Assert.Equal(1UL, await CountAsync(clickHouse, $"SELECT count() FROM call_recordings FINAL WHERE visitor_id = '{visitorId}'"));

        var deleted = await EdgeClient.JsonAsync(await visitor.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId }));

        Assert.Equal(1, deleted.GetProperty("counts").GetProperty("clickhouse.call_recordings").GetInt64());
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM call_recordings WHERE recording_sid = '{recordingSid}'"));
        await Poll.UntilAsync(() => Task.FromResult(fixture.Twilio.Deletes(recordingSid).Any(r => r.AnsweredStatus == 204)),
            TimeSpan.FromSeconds(60), "the DELETE at the stand-in");
    }

    /// <summary>A recorded, answered call from <paramref name="caller"/> (attributed to <paramref name="visitor"/>'s session when given) with its recording stored.</summary>
    private async Task<(TwilioCall Call, string RecordingSid)> RecordedCallAsync(EdgeClient admin, string caller, EdgeClient? visitor)
    {
        var site = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, numbers, NewNumber(), calls: new { recording = new { enabled = true } });
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        if (visitor is not null)
        {
            Assert.Equal(HttpStatusCode.OK, (await visitor.RequestNumberAsync(site, "https://www.example.com/")).StatusCode);
            await visitor.SendPageviewAsync(site, "https://www.example.com/", null, "Home");
            var session = visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0];
            await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 1,
                TimeSpan.FromSeconds(30), "the pageview in ClickHouse");
        }
        var http = fixture.Edge.CreateClient();
        var call = new TwilioCall(http, numbers[0], caller);
        await call.VoiceAsync();
        await call.AnsweredAsync(talkSeconds: 30, totalSeconds: 35);
        var recordingSid = "RE" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK,
            (await CallWebhooks.SendTwilioAsync(http, (string)call.Dial.Attribute("recordingStatusCallback")!, RecordingCallback(call, recordingSid))).StatusCode);
        await WaitForCallAsync(fixture.Edge, clickHouse, call.CallSid);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM call_recordings FINAL WHERE recording_sid = '{recordingSid}'") == 1,
            TimeSpan.FromSeconds(30), "the recording in call_recordings");
        return (call, recordingSid);
    }
}
