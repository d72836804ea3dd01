using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// A browser-like client of the test edge that keeps cookies itself (so a test can drop or forge one) and speaks
/// the tag's and the admin API's formats.
/// </summary>
public sealed class EdgeClient : IDisposable
{
    private readonly HttpClient _http;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly bool _ownsHttp = true;

    public EdgeClient(EdgeApplication edge) =>
        _http = edge.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    /// <summary>Over an HTTP client someone else owns (an edge process's): the same requests to a real port.</summary>
    public EdgeClient(HttpClient http) => (_http, _ownsHttp) = (http, false);

    /// <summary>Cookies the edge set, by name (value only).</summary>
    public Dictionary<string, string> Cookies { get; } = new();

    /// <summary>The raw Set-Cookie headers of the last response.</summary>
    public List<string> LastSetCookies { get; } = new();

    public HttpClient Http => _http;

    /// <summary>POST /v1/number as the tag sends it (text/plain JSON).</summary>
    public async Task<HttpResponseMessage> RequestNumberAsync(string siteKey, string pageUrl, string? referrer = null, Action<HttpRequestMessage>? configure = null)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string?> { ["k"] = siteKey, ["u"] = pageUrl, ["r"] = referrer });
        return await SendNumberAsync(body, configure);
    }

    public Task<HttpResponseMessage> SendNumberAsync(string body, Action<HttpRequestMessage>? configure = null) =>
        SendTextAsync("/v1/number", body, configure);

    /// <summary>POST /v1/collect with one pageview, as the tag sends it.</summary>
    public Task<HttpResponseMessage> SendPageviewAsync(string siteKey, string pageUrl, string? referrer = null, string title = "") =>
        SendTextAsync("/v1/collect", JsonSerializer.Serialize(new Dictionary<string, object?> { ["k"] = siteKey, ["n"] = "pageview", ["u"] = pageUrl, ["r"] = referrer, ["t"] = title, ["w"] = 1280 }));

    /// <summary>POSTs a text/plain body with this client's cookies and keeps the cookies the edge sets.</summary>
    public async Task<HttpResponseMessage> SendTextAsync(string path, string body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (Cookies.Count > 0)
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        configure?.Invoke(request);
        var response = await _http.SendAsync(request, Ct);
        KeepCookies(response);
        return response;
    }

    /// <summary>Keeps the cookies an answer sets, as a browser does (an emptied cookie is deleted).</summary>
    private void KeepCookies(HttpResponseMessage response)
    {
        LastSetCookies.Clear();
        if (!response.Headers.TryGetValues("Set-Cookie", out var setCookies)) return;
        foreach (var header in setCookies)
        {
            LastSetCookies.Add(header);
            var pair = header.Split(';', 2)[0].Split('=', 2);
            if (pair[1].Length == 0) Cookies.Remove(pair[0]);
            else Cookies[pair[0]] = pair[1];
        }
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    /// <summary>Sends an admin API request with the test key (or another key, or none).</summary>
    public async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null, string? key = EdgeApplication.AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _http.SendAsync(request, Ct);
    }

    /// <summary>Creates a site on example.com with one default pool of the given numbers.</summary>
    public async Task CreateSiteAsync(string siteKey, IEnumerable<string> numbers, object? match = null, string poolId = "main", string? overflow = null,
        string defaultNumber = "+12025550199", int holdMinutes = 30)
    {
        await CreateSiteAsync(siteKey, honourDoNotTrack: false, defaultNumber, holdMinutes);
        await AddPoolAsync(siteKey, poolId, numbers, match, overflow);
    }

    /// <summary>Creates (or updates) a site on example.com without a pool: the one way tests make sites.</summary>
    public async Task CreateSiteAsync(string siteKey, bool honourDoNotTrack, string defaultNumber = "+12025550199", int holdMinutes = 30)
    {
        var site = await AdminAsync(HttpMethod.Put, $"/admin/sites/{siteKey}",
            new { domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber, holdMinutes, honourDoNotTrack });
        Assert.True(site.IsSuccessStatusCode, await site.Content.ReadAsStringAsync(Ct));
    }

    public async Task AddPoolAsync(string siteKey, string poolId, IEnumerable<string> numbers, object? match = null, string? overflow = null)
    {
        var pool = await AdminAsync(HttpMethod.Put, $"/admin/sites/{siteKey}/pools/{poolId}", new { match, overflowNumber = overflow, numbers });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>
    /// Opts this visitor out on <paramref name="siteKey"/> through the public page (a same-origin form post, as the
    /// browser sends it): the edge ends the session's lease and records its end, as for any visitor.
    /// </summary>
    public Task<HttpResponseMessage> OptOutAsync(string siteKey) => PostFormAsync($"/optout?k={siteKey}");

    /// <summary>POSTs an empty form with this client's cookies, from the page itself or (not <paramref name="sameOrigin"/>) another site.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, bool sameOrigin = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Sec-Fetch-Site", sameOrigin ? "same-origin" : "cross-site");
        if (Cookies.Count > 0)
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await _http.SendAsync(request, Ct);
        KeepCookies(response);
        return response;
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
