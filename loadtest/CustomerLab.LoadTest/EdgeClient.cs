using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CustomerLab.LoadTest;

/// <summary>A browser's cookie jar for the edge's first-party cookies.</summary>
internal sealed class Visitor
{
    private readonly Dictionary<string, string> _cookies = [];
    public string? CookieHeader { get; private set; }

    /// <summary>The session id: the part of <c>_clsid</c> before '~'.</summary>
    public string SessionId => _cookies.TryGetValue("_clsid", out var v) ? v.Split('~')[0] : "";

    public void Absorb(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values)) return;
        lock (_cookies)
        {
            foreach (var value in values)
            {
                var pair = value.Split(';', 2)[0];
                var eq = pair.IndexOf('=');
                if (eq <= 0) continue;
                var name = pair[..eq];
                var v = pair[(eq + 1)..];
                if (v.Length == 0) _cookies.Remove(name); else _cookies[name] = v;
            }
            CookieHeader = string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));
        }
    }
}

internal sealed record NumberAnswer(bool Ok, int Status, string? Number, string? Kind, string? Reason, DateTimeOffset? ExpiresAt = null);

internal sealed record CallAnswer(bool Ok, int Status, string? Attribution, string? SessionId);

/// <summary>HTTP to the edge (and the baseline, and ClickHouse), as a browser, a telephony provider and an operator would.</summary>
internal sealed class EdgeClient : IDisposable
{
    public const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static readonly MediaTypeHeaderValue TextPlain = new("text/plain") { CharSet = "utf-8" };
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(Stack.WebhookSecret);
    private readonly HttpClient _http;

    public EdgeClient(int maxConnections)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(30) };
    }

    private HttpRequestMessage Post(string url, string body, Visitor? visitor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, TextPlain) };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Accept-Language", "en-US,en;q=0.9");
        if (visitor?.CookieHeader is { } cookie) request.Headers.TryAddWithoutValidation("Cookie", cookie);
        return request;
    }

    /// <summary>The bare Kestrel baseline: the same request shape as <c>/v1/number</c>, a constant answer.</summary>
    public async Task<(bool, string)> BaselineAsync(string baseUrl, string body)
    {
        using var request = Post(baseUrl + "/", body, null);
        using var response = await _http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.IsSuccessStatusCode, ((int)response.StatusCode).ToString());
    }

    /// <summary>
    /// The generator's own work per request is kept small (no JSON tree, no dictionary), as for the baseline: it shares
    /// the cores with the edge, so its cost would otherwise count against the edge.
    /// </summary>
    public async Task<NumberAnswer> NumberAsync(string baseUrl, Visitor visitor, string site, string url, string referrer)
    {
        var body = $"{{\"k\":{JsonString(site)},\"u\":{JsonString(url)},\"r\":{JsonString(referrer)}}}";
        using var request = Post(baseUrl + "/v1/number", body, visitor);
        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        visitor.Absorb(response);
        if (!response.IsSuccessStatusCode) return new(false, (int)response.StatusCode, null, null, null);
        var (number, status, reason, expiresAt) = ReadNumberAnswer(bytes);
        return new(true, 200, number, status, reason, expiresAt is null ? null : DateTimeOffset.Parse(expiresAt, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string JsonString(string value) => JsonSerializer.Serialize(value);

    /// <summary>The answer's top-level <c>number</c>, <c>status</c>, <c>reason</c> and <c>expiresAt</c>, read without building a tree.</summary>
    private static (string? Number, string? Status, string? Reason, string? ExpiresAt) ReadNumberAnswer(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? number = null, status = null, reason = null, expiresAt = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var field = reader.ValueTextEquals("number"u8) ? 1 : reader.ValueTextEquals("status"u8) ? 2 : reader.ValueTextEquals("reason"u8) ? 3
                : reader.ValueTextEquals("expiresAt"u8) ? 4 : 0;
            reader.Read();
            if (field == 0) { reader.Skip(); continue; }
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (field == 1) number = value; else if (field == 2) status = value; else if (field == 3) reason = value; else expiresAt = value;
        }
        return (number, status, reason, expiresAt);
    }

    /// <summary>Pageviews (an array of up to 50 events): true when the edge answered 202 (durable in its spool).</summary>
    public async Task<(bool Ok, int Status)> CollectAsync(string baseUrl, Visitor visitor, string site, IReadOnlyList<(string Url, string Referrer)> events)
    {
        // Built as a string, like the number request's body (see NumberAsync): the generator's cost is not the edge's.
        var body = new StringBuilder(events.Count == 1 ? "" : "[");
        for (var i = 0; i < events.Count; i++)
            body.Append(i == 0 ? "" : ",").Append("{\"k\":").Append(JsonString(site)).Append(",\"n\":\"pageview\",\"u\":").Append(JsonString(events[i].Url))
                .Append(",\"r\":").Append(JsonString(events[i].Referrer)).Append(",\"t\":\"Load test page\",\"w\":1280}");
        if (events.Count != 1) body.Append(']');
        using var request = Post(baseUrl + "/v1/collect", body.ToString(), visitor);
        using var response = await _http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        visitor.Absorb(response);
        return ((int)response.StatusCode == 202, (int)response.StatusCode);
    }

    private static readonly byte[] TwilioToken = Encoding.UTF8.GetBytes(Stack.TwilioAuthToken);

    /// <summary>
    /// Twilio's voice webhook for a new call, form fields as Twilio sends them, signed as Twilio signs
    /// (base64 HMAC-SHA1 of the URL and the fields sorted by name). The outcome is the TwiML's first verb.
    /// </summary>
    public async Task<(bool Ok, string Outcome)> TwilioVoiceAsync(string baseUrl, string callSid, string from, string to)
    {
        var url = baseUrl + "/v1/calls/twilio/voice";
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef", ["ApiVersion"] = "2010-04-01", ["CallSid"] = callSid, ["CallStatus"] = "ringing",
            ["Called"] = to, ["Caller"] = from, ["Direction"] = "inbound", ["From"] = from, ["FromCountry"] = "US", ["FromState"] = "MA",
            ["To"] = to, ["ToCountry"] = "US", ["ToState"] = "DC",
        };
        var data = new StringBuilder(url);
        foreach (var (key, value) in fields) data.Append(key).Append(value);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.TryAddWithoutValidation("X-Twilio-Signature", Convert.ToBase64String(HMACSHA1.HashData(TwilioToken, Encoding.UTF8.GetBytes(data.ToString()))));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return (false, ((int)response.StatusCode).ToString());
        return text.Contains("<Dial", StringComparison.Ordinal) ? (true, "dial") : (false, text.Contains("<Reject", StringComparison.Ordinal) ? "reject" : "other");
    }

    /// <summary>A sign-in form post from the login page itself; the outcome is the status code.</summary>
    public async Task<(bool Ok, string Outcome)> SignInAsync(string baseUrl, string name, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/login")
        {
            Content = new FormUrlEncodedContent([new("name", name), new("password", password), new("returnUrl", "/report")]),
        };
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var response = await _http.SendAsync(request);
        var status = (int)response.StatusCode;
        return (status is 401 or 429 or 503, status.ToString());
    }

    public async Task<CallAnswer> CallAsync(string baseUrl, string callId, string from, string to, DateTimeOffset at)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["provider"] = "lt", ["callId"] = callId, ["from"] = from, ["to"] = to, ["status"] = "ringing", ["direction"] = "inbound",
            ["at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/v1/calls") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(body))));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return new(false, (int)response.StatusCode, null, null);
        var json = JsonNode.Parse(text)!;
        return new(true, 200, (string?)json["attribution"], (string?)json["sessionId"]);
    }

    public Task AdminPutAsync(string baseUrl, string path, object body) => AdminSendAsync(HttpMethod.Put, baseUrl, path, body);

    public Task AdminPostAsync(string baseUrl, string path, object body) => AdminSendAsync(HttpMethod.Post, baseUrl, path, body);

    /// <summary>An admin API call with a JSON body; anything but 2xx throws with the edge's answer.</summary>
    private async Task AdminSendAsync(HttpMethod method, string baseUrl, string path, object body)
    {
        using var request = new HttpRequestMessage(method, baseUrl + path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", Stack.AdminKey);
        using var response = await _http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A page as text (the edge's /metrics).</summary>
    public Task<string> GetTextAsync(string url) => _http.GetStringAsync(url);

    public async Task<JsonNode?> AdminGetAsync(string baseUrl, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + path);
        request.Headers.Add("X-Api-Key", Stack.AdminKey);
        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    public async Task<string> MetricsAsync(string baseUrl) => await _http.GetStringAsync(baseUrl + "/metrics");

    /// <summary>A query on the ClickHouse HTTP interface, tab-separated rows.</summary>
    public async Task<List<string[]>> QueryAsync(string clickHouseUrl, string database, string sql)
    {
        using var content = new StringContent(sql + " FORMAT TabSeparated", Encoding.UTF8);
        using var response = await _http.PostAsync($"{clickHouseUrl}/?database={database}", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"ClickHouse {(int)response.StatusCode}: {text}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }

    public void Dispose() => _http.Dispose();
}
