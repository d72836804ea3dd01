using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerLab.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CustomerLab.Tests.Events;

/// <summary>One test edge (Garnet, the shared ClickHouse host, a spool of its own) shared by a test class; tests keep apart by site key.</summary>
public sealed class EventsEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    public string SpoolPath { get; } = RepoPaths.NewTempDirectory("spool");

    protected override string DatabaseName => "events";

    protected override IDictionary<string, string?> Settings => EventsTesting.Settings(SpoolPath);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(SpoolPath, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Helpers shared by the collect tests.</summary>
public static class EventsTesting
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Edge settings for collect tests: a spool directory, a trusted X-Forwarded-For, short flushes.</summary>
    public static Dictionary<string, string?> Settings(string spoolPath, int flushMs = 200) => new()
    {
        ["Delivery:SpoolPath"] = spoolPath,
        ["ForwardedHeaders:Header"] = "X-Forwarded-For",
        ["Delivery:FlushIntervalMs"] = flushMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Delivery:MaxRetryDelayMs"] = "500",
    };

    /// <summary>A site on example.com without a pool (collect needs none), through the one site helper.</summary>
    public static Task CreateSiteAsync(HttpClient http, string siteKey, bool honourDnt = false) =>
        new EdgeClient(http).CreateSiteAsync(siteKey, honourDnt);

    /// <summary>POST /v1/collect as the tag sends it (text/plain JSON), with browser-like headers unless told otherwise.</summary>
    public static async Task<HttpResponseMessage> CollectAsync(HttpClient http, string body, string? userAgent = Chrome, string? ip = "81.2.69.142",
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/collect") { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (userAgent is not null) request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        request.Headers.TryAddWithoutValidation("Accept-Language", "en-GB,en;q=0.9");
        if (ip is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", ip);
        configure?.Invoke(request);
        return await http.SendAsync(request, Ct);
    }

    public static string Batch(string siteKey, IEnumerable<string> paths) =>
        JsonSerializer.Serialize(paths.Select(p => new Dictionary<string, object?> { ["k"] = siteKey, ["u"] = "https://www.example.com" + p }).ToArray());

    public static async Task<ulong> ScalarAsync(ClickHouseHostFixture clickHouse, string database, string sql)
    {
        using var client = clickHouse.CreateClient(database);
        return Convert.ToUInt64(await client.ExecuteScalarAsync(sql, cancellationToken: Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static HttpClient NoCookies(EdgeApplication edge) => edge.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    public const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
}
