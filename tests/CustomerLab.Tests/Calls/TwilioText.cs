using System.Xml.Linq;

namespace CustomerLab.Tests.Calls;

/// <summary>A text to a tracking number as Twilio posts it to the Messaging URL, field by field as Twilio documents it, signed.</summary>
public static class TwilioText
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends the text; returns the answer and its TwiML (null when it is not 200).</summary>
    public static async Task<(HttpResponseMessage Response, XElement? Twiml, string MessageSid)> SendAsync(HttpClient http, string from, string to, string body,
        string token = Fixtures.EdgeApplication.TwilioAuthToken)
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var fields = new Dictionary<string, string>
        {
            ["ToCountry"] = "US", ["ToState"] = "DC", ["SmsMessageSid"] = sid, ["NumMedia"] = "0", ["ToCity"] = "WASHINGTON", ["FromZip"] = "02108",
            ["SmsSid"] = sid, ["FromState"] = "MA", ["SmsStatus"] = "received", ["FromCity"] = "BOSTON", ["Body"] = body, ["FromCountry"] = "US",
            ["To"] = to, ["ToZip"] = "20001", ["NumSegments"] = "1", ["MessageSid"] = sid, ["AccountSid"] = TwilioCall.AccountSid, ["From"] = from,
            ["ApiVersion"] = "2010-04-01", ["SomeFieldTwilioAddedLater"] = "surprise",
        };
        var response = await CallWebhooks.SendTwilioAsync(http, "/v1/sms/twilio", fields, token);
        var twiml = response.IsSuccessStatusCode ? XDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).Root : null;
        return (response, twiml, sid);
    }
}
