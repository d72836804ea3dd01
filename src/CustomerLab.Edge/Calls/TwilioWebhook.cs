using System.Globalization;
using Twilio.Security;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Twilio's voice webhook and status callbacks (form fields CallSid, From, To, CallStatus, Direction, Timestamp,
/// CallDuration), verified with Twilio's own <see cref="RequestValidator"/> over the full URL and the form fields.
/// </summary>
internal static class TwilioWebhook
{
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>Checks the signature; the URL is the one Twilio called (<see cref="CallOptions.PublicBaseUrl"/> behind a proxy).</summary>
    public static bool IsSigned(HttpRequest request, IFormCollection form, CallOptions options)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (signature.Length == 0 || options.TwilioAuthToken.Length == 0) return false;
        var baseUrl = options.PublicBaseUrl.Length > 0 ? options.PublicBaseUrl.TrimEnd('/') : $"{request.Scheme}://{request.Host}";
        var url = baseUrl + request.PathBase + request.Path + request.QueryString;
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        return new RequestValidator(options.TwilioAuthToken).Validate(url, fields, signature);
    }

    /// <summary>The call event, or the name of the first missing field.</summary>
    public static (CallEvent? Event, string? MissingField) Read(IFormCollection form, DateTimeOffset receivedAt)
    {
        foreach (var field in (string[])["CallSid", "To", "CallStatus"])
            if (string.IsNullOrWhiteSpace(form[field])) return (null, field);
        var at = DateTimeOffset.TryParse(form["Timestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp) ? stamp : receivedAt;
        int? duration = int.TryParse(form["CallDuration"], out var d) ? d : null;
        return (new CallEvent("twilio", form["CallSid"]!, form["From"].ToString(), form["To"]!, form["CallStatus"].ToString().ToLowerInvariant(),
            form["Direction"].ToString().ToLowerInvariant(), at, duration), null);
    }
}
