using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>Recording only after a notice: the caller's TwiML, the business's whisper, the stored record, the audio through the edge.</summary>
public sealed class RecordingTests(PhoneEdgeFixture fixture) : IClassFixture<PhoneEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Notice = "This call is recorded for training.";

    [Fact]
    public async Task NoticeComesBeforeAnyRecording_InTheCallersTwimlAndInTheWhisper_AndTheRecordingKeepsItsNotice()
    {
        using var visitor = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await CreateSiteAsync(visitor, site, NumbersEdgeFixture.Numbers(2), NewNumber(),
            calls: new { recording = new { enabled = true, notice = Notice, language = "en-GB", announceSource = true } });
        const string landing = "https://www.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring";
        var number = (await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, landing, "https://www.google.com/"))).GetProperty("number").GetString()!;
        await visitor.SendPageviewAsync(site, landing, "https://www.google.com/", "Landing");
        var session = visitor.Cookies[Edge.Cookies.VisitorCookies.SessionCookie].Split('~')[0];
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id = '{session}'") == 1,
            TimeSpan.FromSeconds(30), "the pageview in ClickHouse");
        var http = fixture.Edge.CreateClient();
        var call = new TwilioCall(http, number);

        await call.VoiceAsync();

        // The caller: the notice is said first, then the Dial that records from the business's answer.
        var caller = call.Twiml!.Root!.Elements().ToList();
        Assert.Equal(["Say", "Dial"], caller.Select(e => e.Name.LocalName));
        Assert.Equal(Notice, caller[0].Value);
        Assert.Equal("en-GB", (string?)caller[0].Attribute("language"));
        Assert.Equal("record-from-answer-dual", (string?)call.Dial.Attribute("record"));
        Assert.Equal("completed", (string?)call.Dial.Attribute("recordingStatusCallbackEvent"));
        var tn = "?tn=" + Uri.EscapeDataString(number);
        Assert.Equal("http://localhost/v1/calls/twilio/recording" + tn, (string?)call.Dial.Attribute("recordingStatusCallback"));
        Assert.Equal("http://localhost/v1/calls/twilio/whisper" + tn, (string?)call.DialedNumber.Attribute("url"));

        // The business: the whisper says the notice first, then where the call came from (once the call is attributed).
        var recorder = fixture.Edge.Services.GetRequiredService<CallRecorder>();
        await Poll.UntilAsync(async () => (await recorder.PeekAsync("twilio", call.CallSid))?.Attribution.Status == "attributed",
            TimeSpan.FromSeconds(30), "the call attributed");
        var whisperResponse = await CallWebhooks.SendTwilioAsync(http, (string)call.DialedNumber.Attribute("url")!, BusinessAnswered(call));
        Assert.Equal(HttpStatusCode.OK, whisperResponse.StatusCode);
        var whisper = XDocument.Parse(await whisperResponse.Content.ReadAsStringAsync(Ct)).Root!.Elements().ToList();
        Assert.Equal(["Say", "Say"], whisper.Select(e => e.Name.LocalName));
        Assert.Equal(Notice, whisper[0].Value);
        Assert.Equal("Call from google cpc, campaign spring", whisper[1].Value);

        await call.AnsweredAsync(talkSeconds: 40, totalSeconds: 50);
        var recordingSid = "RE" + Guid.NewGuid().ToString("N");
        var callback = await CallWebhooks.SendTwilioAsync(http, (string)call.Dial.Attribute("recordingStatusCallback")!, RecordingCallback(call, recordingSid));
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);

        await WaitForCallAsync(fixture.Edge, clickHouse, call.CallSid);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM call_recordings FINAL WHERE recording_sid = '{recordingSid}'") == 1,
            TimeSpan.FromSeconds(30), "the recording in call_recordings");
        var row = await RowAsync(clickHouse, $"SELECT * FROM call_recordings FINAL WHERE recording_sid = '{recordingSid}'");
        Assert.Equal(call.CallSid, row["call_id"]);
        Assert.Equal(site, row["site_id"]);
        Assert.Equal("true", row["notice_played"]);
        Assert.Equal(Notice, row["notice_text"]);
        Assert.Equal("completed", row["recording_status"]);
        Assert.Equal("38", row["duration_seconds"]);
        Assert.Equal("2", row["channels"]);
        Assert.Equal(call.From, row["caller_number"]);
        Assert.NotEqual("", row["business_notice_at"]);
        var callRow = await CallRowAsync(clickHouse, call.CallSid);
        Assert.Equal(Notice, callRow["recording_notice"]);
        Assert.NotEqual("", callRow["caller_notice_at"]);
        Assert.NotEqual("", callRow["business_notice_at"]);
    }

    [Fact]
    public async Task RecordingAudio_IsServedToSignedInUsersThroughTheEdge_WithTheAccountsCredentials_NeverTwiliosUrl()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, numbers, NewNumber(), calls: new { recording = new { enabled = true } });
        var http = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var call = new TwilioCall(http, numbers[0]);
        await call.VoiceAsync();
        await call.AnsweredAsync(talkSeconds: 20, totalSeconds: 25);
        var recordingSid = "RE" + Guid.NewGuid().ToString("N");
        await CallWebhooks.SendTwilioAsync(http, (string)call.Dial.Attribute("recordingStatusCallback")!, RecordingCallback(call, recordingSid));
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await Poll.UntilAsync(async () => await CountAsync(clickHouse, $"SELECT count() FROM call_recordings FINAL WHERE recording_sid = '{recordingSid}'") == 1,
            TimeSpan.FromSeconds(30), "the recording in call_recordings");

        var anonymous = await http.GetAsync($"/report/recordings/{site}/{recordingSid}", Ct);
        var outsider = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignInAsync(fixture.Edge, outsider, TestSites.NewSiteKey());
        var notTheirSite = await outsider.GetAsync($"/report/recordings/{site}/{recordingSid}", Ct);
        await SignInAsync(fixture.Edge, http, site);
        var audio = await http.GetAsync($"/report/recordings/{site}/{recordingSid}", Ct);
        var malformed = await http.GetAsync($"/report/recordings/{site}/not-a-sid", Ct);
        var unknown = await http.GetAsync($"/report/recordings/{site}/RE{Guid.NewGuid():N}", Ct);

        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/mpeg", audio.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TwilioStandIn.Audio, await audio.Content.ReadAsByteArrayAsync(Ct));
        Assert.Contains("no-store", audio.Headers.CacheControl!.ToString());
        var fetched = Assert.Single(fixture.Twilio.Requests, r => r.Method == "GET" && r.Path.Contains(recordingSid, StringComparison.Ordinal));
        Assert.Equal($"/2010-04-01/Accounts/{TwilioCall.AccountSid}/Recordings/{recordingSid}.mp3", fetched.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioCall.AccountSid}:{EdgeApplication.TwilioAuthToken}")), fetched.Authorization);
        Assert.Equal("recordingSid", Assert.Single((await ProblemAsync(malformed, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject()).Name);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("language", "xx-YY", "calls.recording.language")]
    [InlineData("notice", "", "calls.recording.notice")]
    public async Task RecordingSettings_AreRefusedWithTheFieldNamed_IfInvalid(string name, string value, string field)
    {
        using var admin = new EdgeClient(fixture.Edge);
        var recording = new Dictionary<string, object> { ["enabled"] = true, [name] = value };

        var response = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}",
            new { domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", calls = new { recording } });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(field, Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name);
    }

    [Fact]
    public async Task PoolRecording_OverridesTheSites_AndACallWithoutRecordingHearsNoNotice()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var plain = NumbersEdgeFixture.Numbers(1);
        var recorded = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, plain, NewNumber());
        var pool = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/paid",
            new { match = new { paidClickId = true }, numbers = recorded, recording = new { enabled = true, notice = "Pool notice." } });
        Assert.Equal(HttpStatusCode.OK, pool.StatusCode);
        var plainCall = new TwilioCall(fixture.Edge.CreateClient(), plain[0]);
        var recordedCall = new TwilioCall(fixture.Edge.CreateClient(), recorded[0]);

        await plainCall.VoiceAsync();
        await recordedCall.VoiceAsync();

        Assert.Equal(["Dial"], plainCall.Twiml!.Root!.Elements().Select(e => e.Name.LocalName));
        Assert.Null(plainCall.Dial.Attribute("record"));
        Assert.Null(plainCall.DialedNumber.Attribute("url"));
        Assert.Equal("Pool notice.", recordedCall.Twiml!.Root!.Element("Say")!.Value);
        Assert.Equal("record-from-answer-dual", (string?)recordedCall.Dial.Attribute("record"));
    }

    /// <summary>Twilio's request to the <c>&lt;Number url&gt;</c> when the business answers.</summary>
    private static Dictionary<string, string> BusinessAnswered(TwilioCall call) => new()
    {
        ["AccountSid"] = TwilioCall.AccountSid, ["ApiVersion"] = "2010-04-01", ["CallSid"] = call.ChildSid, ["ParentCallSid"] = call.CallSid,
        ["CallStatus"] = "in-progress", ["Direction"] = "outbound-dial", ["From"] = call.From, ["To"] = call.DialedNumber.Value.Trim(),
        ["Called"] = call.DialedNumber.Value.Trim(), ["Caller"] = call.From,
    };
}
