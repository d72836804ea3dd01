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

    /// <summary>
    /// Twilio's form webhook with X-Twilio-Signature computed as Twilio documents it (independently of the edge's
    /// validator): base64(HMAC-SHA1(auth token, URL + every field name and value, sorted by name)).
    /// <paramref name="tamper"/> changes the form after signing.
    /// </summary>
    public static async Task<HttpResponseMessage> SendTwilioAsync(HttpClient http, Dictionary<string, string> fields, Action<Dictionary<string, string>>? tamper = null)
    {
        const string path = "/v1/calls/twilio";
        var url = new Uri(http.BaseAddress!, path).ToString();
        var data = new StringBuilder(url);
        foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal)) data.Append(key).Append(value);
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(EdgeApplication.TwilioAuthToken), Encoding.UTF8.GetBytes(data.ToString())));
        var sent = new Dictionary<string, string>(fields);
        tamper?.Invoke(sent);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(sent) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return await http.SendAsync(request, Ct);
    }
}
