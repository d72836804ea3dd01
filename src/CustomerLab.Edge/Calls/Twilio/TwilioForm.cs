using System.Globalization;
using CustomerLab.Edge.Calls.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Calls.Twilio;

/// <summary>Reading a Twilio webhook's form and turning it into a <see cref="CallEvent"/>. Fields Twilio adds later are ignored.</summary>
internal static class TwilioForm
{
    /// <summary>
    /// The form field (<c>true</c>) that marks the demo's test call (<see cref="CallEvent.Simulated"/>). Twilio never sends
    /// it; like every field it is covered by the signature, so only a holder of the auth token can set it.
    /// </summary>
    public const string TestCallField = "CustomerLabTestCall";

    /// <summary>The form, or the problem that stops the request (see <see cref="WebhookForm"/>).</summary>
    public static Task<(IFormCollection? Form, ProblemHttpResult? Problem)> ReadAsync(HttpContext context, CallOptions options) =>
        WebhookForm.ReadAsync(context, options, "Twilio");

    /// <summary>The first of <paramref name="fields"/> that is missing or empty, or null.</summary>
    public static string? Missing(IFormCollection form, params string[] fields) =>
        fields.FirstOrDefault(f => string.IsNullOrWhiteSpace(form[f]));

    /// <summary>The voice webhook: the caller's call starts ringing at the edge.</summary>
    public static CallEvent Voice(IFormCollection form, CallRoute route, DateTimeOffset receivedAt) =>
        new("twilio", form["CallSid"]!, form["From"].ToString(), route.Number, Status(form, "ringing"), Direction(form), receivedAt, null)
        {
            ForwardedTo = route.ForwardTo ?? "",
            Simulated = Simulated(form),
        };

    /// <summary>A status callback of the caller's call (the number's status callback URL).</summary>
    public static CallEvent CallerStatus(IFormCollection form, DateTimeOffset receivedAt) =>
        new("twilio", form["CallSid"]!, form["From"].ToString(), form["To"]!, Status(form, ""), Direction(form), At(form, receivedAt), Int(form, "CallDuration"))
        {
            Simulated = Simulated(form),
        };

    /// <summary>A status callback of the business leg (<c>&lt;Number statusCallback&gt;</c>), as news of its parent call.</summary>
    public static CallEvent BusinessStatus(IFormCollection form, string trackingNumber, DateTimeOffset receivedAt) =>
        new("twilio", form["ParentCallSid"]!, "", trackingNumber, Status(form, ""), "inbound", At(form, receivedAt), Int(form, "CallDuration"))
        {
            Leg = CallEvent.BusinessLeg,
            ForwardedTo = form["To"].ToString(),
            Simulated = Simulated(form),
        };

    /// <summary>The Dial's outcome (the <c>&lt;Dial action&gt;</c> request).</summary>
    public static CallEvent DialOutcome(IFormCollection form, DateTimeOffset receivedAt) =>
        new("twilio", form["CallSid"]!, form["From"].ToString(), form["To"]!, Status(form, "in-progress"), Direction(form), receivedAt, null)
        {
            Leg = CallEvent.DialOutcome,
            DialStatus = form["DialCallStatus"].ToString().ToLowerInvariant(),
            TalkSeconds = Int(form, "DialCallDuration"),
            Simulated = Simulated(form),
        };

    private static bool Simulated(IFormCollection form) => form[TestCallField] == "true";

    private static string Status(IFormCollection form, string fallback) =>
        form["CallStatus"].ToString() is { Length: > 0 } status ? status.ToLowerInvariant() : fallback;

    private static string Direction(IFormCollection form) => form["Direction"].ToString() is { Length: > 0 } d ? d.ToLowerInvariant() : "inbound";

    private static int? Int(IFormCollection form, string field) =>
        int.TryParse(form[field], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Twilio's <c>Timestamp</c> (RFC 1123) when it sends one, else when the edge received the callback.</summary>
    private static DateTimeOffset At(IFormCollection form, DateTimeOffset receivedAt) =>
        DateTimeOffset.TryParse(form["Timestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : receivedAt;

    public static ProblemHttpResult Problem(int status, string detail) => WebhookForm.Problem(status, detail);
}
