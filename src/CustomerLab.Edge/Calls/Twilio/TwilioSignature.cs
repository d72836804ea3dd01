using System.Security.Cryptography;
using System.Text;
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
        var validator = new RequestValidator(authToken);
        var url = CalledUrl(request, options);
        // The validator tries the URL as given and with its default port; an edge whose own URL names the port
        // (a PublicBaseUrl with :443) also accepts the signature Twilio made over the URL without it.
        return validator.Validate(url, fields, signature)
            || (new UriBuilder(url) is { Port: 80 or 443 } named && url.Contains($":{named.Port}/", StringComparison.Ordinal)
                && validator.Validate(url.Replace($":{named.Port}/", "/", StringComparison.Ordinal), fields, signature));
    }

    /// <summary>
    /// The signature Twilio would send for a request to <paramref name="url"/> with <paramref name="fields"/>, as Twilio
    /// documents it: base64(HMAC-SHA1(auth token, URL + every field name and value, sorted by name)). For the edge's own
    /// test calls (<see cref="TestCalls.TestCallPlacer"/>), which go through <see cref="IsValid"/> like Twilio's.
    /// </summary>
    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> fields)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal)) data.Append(key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>The URL Twilio called.</summary>
    public static string CalledUrl(HttpRequest request, CallOptions options) =>
        BaseUrl(request, options) + request.Path + request.QueryString;

    /// <summary>The edge's public URL prefix (with its path base), for the URLs the TwiML names.</summary>
    public static string BaseUrl(HttpRequest request, CallOptions options) =>
        (options.PublicBaseUrl.Length > 0 ? options.PublicBaseUrl.TrimEnd('/') : $"{request.Scheme}://{request.Host}") + request.PathBase;
}
