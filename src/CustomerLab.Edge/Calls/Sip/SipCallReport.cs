using System.Globalization;

namespace CustomerLab.Edge.Calls.Sip;

/// <summary>
/// One lifecycle report of the phone server (<c>POST /v1/calls/sip/events</c>, form fields <c>callId</c>, <c>event</c>,
/// <c>to</c>, <c>from</c>, <c>duration</c>, <c>code</c>, <c>at</c>), as the call events the Twilio path also produces.
/// Reports name the call's numbers, so a call the edge never routed (it was down) is still attributed.
/// </summary>
internal static class SipCallReport
{
    public const string Provider = "sip";

    public static readonly string[] Events = ["ringing", "answered", "ended", "failed"];

    /// <summary>The events to spool for a report, or the name of the field that is wrong.</summary>
    public static (CallEvent[] Events, string? Field, string? Error) Read(IFormCollection form, DateTimeOffset receivedAt)
    {
        foreach (var field in (string[])["callId", "event", "to"])
            if (string.IsNullOrWhiteSpace(form[field])) return ([], field, "Required.");
        var kind = form["event"].ToString();
        if (!Events.Contains(kind)) return ([], "event", $"One of: {string.Join(", ", Events)}.");
        if (!TryInt(form, "duration", out var duration)) return ([], "duration", "Whole seconds, 0 or more.");
        if (!TryInt(form, "code", out var code)) return ([], "code", "A SIP status code.");
        var at = ReadAt(form["at"].ToString(), receivedAt);
        if (at is null) return ([], "at", "Unix seconds (sec.usec).");
        CallEvent Caller(string status, int? seconds = null) =>
            new(Provider, form["callId"]!, form["from"].ToString(), form["to"]!, status, "inbound", at.Value, seconds);
        return kind switch
        {
            "ringing" => ([Caller("ringing")], null, null),
            // The proxy relays one dialog: the business answering is also the caller's call being answered.
            "answered" => ([Caller("in-progress"), Caller("in-progress") with { Leg = CallEvent.BusinessLeg }], null, null),
            // Kamailio measures the dialog from the business's 200 OK to the BYE: the talk time.
            "ended" => ([Caller("completed", duration), Caller("completed") with { Leg = CallEvent.DialOutcome, DialStatus = "completed", TalkSeconds = duration }], null, null),
            _ => Failed(Caller, code),
        };
    }

    /// <summary>A call that never connected, named the way Twilio names a Dial's outcome.</summary>
    private static (CallEvent[], string?, string?) Failed(Func<string, int?, CallEvent> caller, int code)
    {
        var status = code switch
        {
            486 or 600 => "busy",
            487 => "canceled",
            408 or 480 => "no-answer",
            _ => "failed",
        };
        return ([caller(status, 0), caller(status, null) with { Leg = CallEvent.DialOutcome, DialStatus = status, TalkSeconds = 0 }], null, null);
    }

    private static bool TryInt(IFormCollection form, string field, out int value)
    {
        value = 0;
        var text = form[field].ToString();
        return text.Length == 0 || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0);
    }

    private static DateTimeOffset? ReadAt(string text, DateTimeOffset receivedAt)
    {
        if (text.Length == 0) return receivedAt;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 32503680000m) return null;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
    }
}
