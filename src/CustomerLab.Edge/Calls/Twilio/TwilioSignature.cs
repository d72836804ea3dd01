using global::Twilio.Security;

namespace CustomerLab.Edge.Calls.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> with Twilio's own <see cref="RequestValidator"/> (HMAC over the URL and the sorted
/// form fields; it also tries the URL with and without its port): the URL is the one Twilio called, that is
/// <see cref="CallOptions.PublicBaseUrl"/> (behind a proxy) or the request's own, with the path and the query string
/// exactly as received.
/// </summary>
internal static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static bool IsValid(HttpRequest request, IFormCollection form, string authToken, CallOptions options)
    {
        var signature = request.Headers[Header].ToString();
        if (signature.Length == 0 || authToken.Length == 0) return false;
        var fields = new Dictionary<string, string>(form.Count, StringComparer.Ordinal);
        foreach (var (key, value) in form) fields[key] = value.ToString();
        return new RequestValidator(authToken).Validate(CalledUrl(request, options), fields, signature);
    }

    /// <summary>The URL Twilio called.</summary>
    public static string CalledUrl(HttpRequest request, CallOptions options) =>
        BaseUrl(request, options) + request.Path + request.QueryString;

    /// <summary>The edge's public URL prefix (with its path base), for the URLs the TwiML names.</summary>
    public static string BaseUrl(HttpRequest request, CallOptions options) =>
        (options.PublicBaseUrl.Length > 0 ? options.PublicBaseUrl.TrimEnd('/') : $"{request.Scheme}://{request.Host}") + request.PathBase;
}
