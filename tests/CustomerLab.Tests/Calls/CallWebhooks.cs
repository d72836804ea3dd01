using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Calls;

/// <summary>Sends call webhooks to the test edge the way providers do, signed (or not).</summary>
public static class CallWebhooks
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The generic JSON webhook, signed with HMAC-SHA256 of the raw body.</summary>
    public static async Task<HttpResponseMessage> SendGenericAsync(HttpClient http, object body, string secret = EdgeApplication.WebhookSecret)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls") { Content = new ByteArrayContent(json) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), json)));
        return await http.SendAsync(request, Ct);
    }

    /// <summary>The old Twilio endpoint, <c>/v1/calls/twilio</c>, signed with the deployment's token.</summary>
    public static Task<HttpResponseMessage> SendTwilioAsync(HttpClient http, Dictionary<string, string> fields, Action<Dictionary<string, string>>? tamper = null) =>
        SendTwilioAsync(http, "/v1/calls/twilio", fields, tamper: tamper);

    /// <summary>
    /// Twilio's form webhook to <paramref name="pathOrUrl"/> (a path, or an absolute URL as a TwiML answer names it) with
    /// X-Twilio-Signature computed as Twilio documents it (independently of the edge's validator):
    /// base64(HMAC-SHA1(auth token, URL + every field name and value, sorted by name)), over <paramref name="signedUrl"/>
    /// when given (the URL Twilio called, e.g. a public one), else the request's own URL. <paramref name="tamper"/>
    /// changes the form after signing.
    /// </summary>
    public static async Task<HttpResponseMessage> SendTwilioAsync(HttpClient http, string pathOrUrl, Dictionary<string, string> fields,
        string token = EdgeApplication.TwilioAuthToken, string? signedUrl = null, Action<Dictionary<string, string>>? tamper = null)
    {
        var url = new Uri(http.BaseAddress!, pathOrUrl);
        var sent = new Dictionary<string, string>(fields);
        tamper?.Invoke(sent);
        using var request = new HttpRequestMessage(HttpMethod.Post, url.PathAndQuery) { Content = new FormUrlEncodedContent(sent) };
        request.Headers.Add("X-Twilio-Signature", Sign(token, signedUrl ?? url.AbsoluteUri, fields));
        return await http.SendAsync(request, Ct);
    }

    public static string Sign(string token, string url, IReadOnlyDictionary<string, string> fields)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal)) data.Append(key).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
