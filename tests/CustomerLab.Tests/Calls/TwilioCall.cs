using System.Globalization;
using System.Net;
using System.Xml.Linq;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// One inbound call as Twilio reports it to the edge, field by field as Twilio documents its requests (plus a field
/// Twilio might add tomorrow): the voice webhook, the number's status callbacks, the business leg's callbacks that the
/// TwiML asked for, and the Dial's action. Callbacks go to the URLs the edge's TwiML named, signed with the account's token.
/// </summary>
public sealed class TwilioCall(HttpClient http, string to, string from = "+16175550123", string token = EdgeApplication.TwilioAuthToken)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    public string CallSid { get; } = "CA" + Guid.NewGuid().ToString("N");
    public string ChildSid { get; } = "CA" + Guid.NewGuid().ToString("N");
    public string To => to;
    public string From => from;

    /// <summary>The TwiML the voice webhook answered.</summary>
    public XDocument? Twiml { get; private set; }

    public XElement Dial => Twiml!.Root!.Element("Dial") ?? throw new InvalidOperationException($"no <Dial> in {Twiml}");
    public XElement DialedNumber => Dial.Element("Number")!;

    private int _sequence;

    public async Task<HttpResponseMessage> VoiceAsync(string path = "/v1/calls/twilio/voice")
    {
        var response = await CallWebhooks.SendTwilioAsync(http, path, Caller("ringing"), token);
        if (response.StatusCode == HttpStatusCode.OK)
            Twiml = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return response;
    }

    /// <summary>The number's status callback for the caller's call.</summary>
    public Task<HttpResponseMessage> StatusAsync(string status, int? duration = null)
    {
        var fields = Caller(status);
        fields["CallbackSource"] = "call-progress-events";
        fields["SequenceNumber"] = (_sequence++).ToString(CultureInfo.InvariantCulture);
        fields["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        if (duration is { } d) fields["CallDuration"] = d.ToString(CultureInfo.InvariantCulture);
        return CallWebhooks.SendTwilioAsync(http, "/v1/calls/twilio/status", fields, token);
    }

    /// <summary>A callback of the business leg, to the <c>&lt;Number statusCallback&gt;</c> URL of the TwiML.</summary>
    public Task<HttpResponseMessage> BusinessLegAsync(string status, int? duration = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid, ["ApiVersion"] = "2010-04-01", ["CallSid"] = ChildSid, ["ParentCallSid"] = CallSid,
            ["CallStatus"] = status, ["Direction"] = "outbound-dial", ["From"] = from, ["To"] = DialedNumber.Value.Trim(),
            ["Called"] = DialedNumber.Value.Trim(), ["Caller"] = from, ["CallbackSource"] = "call-progress-events",
            ["SequenceNumber"] = (_sequence++).ToString(CultureInfo.InvariantCulture),
            ["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture), ["SipResponseCode"] = "200",
            ["SomeFieldTwilioAddedLater"] = "surprise",
        };
        if (duration is { } d) fields["CallDuration"] = d.ToString(CultureInfo.InvariantCulture);
        return CallWebhooks.SendTwilioAsync(http, DialedNumber.Attribute("statusCallback")!.Value, fields, token);
    }

    /// <summary>The Dial's action request, to the <c>&lt;Dial action&gt;</c> URL of the TwiML.</summary>
    public async Task<HttpResponseMessage> DialActionAsync(string dialStatus, int talkSeconds)
    {
        var fields = Caller("in-progress");
        fields["DialCallSid"] = ChildSid;
        fields["DialCallStatus"] = dialStatus;
        fields["DialCallDuration"] = talkSeconds.ToString(CultureInfo.InvariantCulture);
        fields["DialBridged"] = dialStatus == "completed" ? "true" : "false";
        return await CallWebhooks.SendTwilioAsync(http, Dial.Attribute("action")!.Value, fields, token);
    }

    /// <summary>The fields of a request about the caller's call.</summary>
    public Dictionary<string, string> Caller(string status) => new()
    {
        ["AccountSid"] = AccountSid, ["ApiVersion"] = "2010-04-01", ["CallSid"] = CallSid, ["CallStatus"] = status,
        ["Direction"] = "inbound", ["From"] = from, ["Caller"] = from, ["FromCity"] = "BOSTON", ["FromState"] = "MA",
        ["FromCountry"] = "US", ["FromZip"] = "02108", ["To"] = to, ["Called"] = to, ["ToCountry"] = "US", ["ToState"] = "DC",
        ["CallToken"] = "%7B%22parentCallInfoToken%22%3A%22eyJhbGciOiJFUzI1NiJ9%22%7D", ["StirVerstat"] = "TN-Validation-Passed-A",
        ["SomeFieldTwilioAddedLater"] = "surprise",
    };

    /// <summary>The whole lifecycle after the voice webhook: ringing, answered, the business leg's callbacks, the dial action, completed.</summary>
    public async Task<List<HttpResponseMessage>> AnsweredAsync(int talkSeconds, int totalSeconds) =>
    [
        await StatusAsync("ringing"),
        await StatusAsync("in-progress"),
        await BusinessLegAsync("initiated"),
        await BusinessLegAsync("ringing"),
        await BusinessLegAsync("in-progress"),
        await BusinessLegAsync("completed", talkSeconds),
        await DialActionAsync("completed", talkSeconds),
        await StatusAsync("completed", totalSeconds),
    ];
}
