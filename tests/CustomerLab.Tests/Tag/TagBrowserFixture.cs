using System.Net;
using System.Net.Http.Json;
using CustomerLab.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// A test class's view of the shared <see cref="BrowserWorld"/>: the run's one tag edge (reached at
/// <see cref="BaseUrl"/>, also the origin of the test pages) and its one Chromium, with helpers to create sites and
/// serve pages. Tests make a new browser context each (fresh cookies) and a site key each.
/// </summary>
public class TagBrowserFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse, BrowserWorld world) : IAsyncLifetime
{
    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:{Port}</c>: the edge, and the origin of the test pages.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public EdgeApplication Edge { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ClickHouseHostFixture ClickHouse => clickHouse;
    public BrowserWorld World => world;
    public string Database => Edge.Database;

    public async ValueTask InitializeAsync()
    {
        (Edge, Port) = await StartEdgeAsync(world, garnet, clickHouse);
        Browser = await world.BrowserAsync();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Which of the world's shared edges this fixture uses: the tag edge (environment Testing).</summary>
    protected virtual Task<(EdgeApplication Edge, int Port)> StartEdgeAsync(BrowserWorld world, GarnetFixture garnet, ClickHouseHostFixture clickHouse) =>
        world.TagEdgeAsync(garnet, clickHouse);

    public ValueTask DisposeAsync()
    {
        Http?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until /readyz is 200 (schema migrated), for tests that read ClickHouse.</summary>
    public Task WaitReadyAsync() => Poll.UntilAsync(async () => (await Http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
        TimeSpan.FromSeconds(60), "the tag edge's /readyz");

    /// <summary>A site key unique to one test.</summary>
    public static string NewSiteKey() => "tag" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Creates a site whose pages live on 127.0.0.1 and localhost, with one pool.</summary>
    public async Task CreateSiteAsync(string siteKey, string[] targets, string[] pool, string defaultNumber, string region = "US", object? leads = null)
    {
        var site = await AdminAsync(HttpMethod.Put, $"/admin/sites/{siteKey}",
            new { domains = new[] { "127.0.0.1", "localhost" }, targets, defaultNumber, region, holdMinutes = 30, leads });
        Assert.True(site.IsSuccessStatusCode, await site.Content.ReadAsStringAsync());
        var created = await AdminAsync(HttpMethod.Put, $"/admin/sites/{siteKey}/pools/main", new { numbers = pool });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }

    public async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", EdgeApplication.AdminKey);
        return await Http.SendAsync(request);
    }

    /// <summary>A fresh context (no cookies) whose <paramref name="path"/> on the edge's origin answers <paramref name="html"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options ?? new BrowserNewContextOptions());
        context.SetDefaultTimeout(BrowserWorld.WaitTimeoutMs);
        return context;
    }

    /// <summary>Serves <paramref name="html"/> at <c>{BaseUrl}{path}</c> in this context (everything else goes to the edge).</summary>
    public async Task<string> ServePageAsync(IBrowserContext context, string path, string html)
    {
        var url = BaseUrl + path;
        await context.RouteAsync(url, route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200, ContentType = "text/html; charset=utf-8", Body = html,
        }));
        return url;
    }

    /// <summary>
    /// The tag's script element for a site (optionally with more attributes). Unless the attributes set their own, the
    /// tag waits up to a minute for the edge, so a slow answer on a loaded machine is not mistaken for none; a test of
    /// the tag's own default wait asks for it with <paramref name="defaultTimeout"/>.
    /// </summary>
    public string TagScript(string siteKey, string attributes = "", bool defaultTimeout = false) =>
        $"""<script async src="{BaseUrl}/cl.js" data-site="{siteKey}" {attributes}{(defaultTimeout || attributes.Contains("data-timeout") ? "" : $" data-timeout=\"{BrowserWorld.WaitTimeoutMs}\"")}></script>""";

    /// <summary>The queue stub (web-snippet.js) that keeps customerlab() calls made before the tag loads.</summary>
    public const string QueueStub =
        "<script>window.customerlab=window.customerlab||function(){(window.customerlab.q=window.customerlab.q||[]).push(arguments)}</script>";

    /// <summary>
    /// The edge's answer to the page's first <c>/v1/collect</c>; start waiting before the navigation. A test that closes
    /// the browser context right after the number is shown must await this first: closing it cancels a beacon in flight.
    /// </summary>
    public static Task<IResponse> PageviewAcceptedAsync(IPage page) => page.WaitForResponseAsync(
        r => r.Url.EndsWith("/v1/collect", StringComparison.Ordinal), new() { Timeout = BrowserWorld.WaitTimeoutMs });

    /// <summary>The edge's answer as the tag saw it (null: none), once the tag has one (or gave up).</summary>
    public static async Task<System.Text.Json.JsonElement?> AnswerAsync(IPage page)
    {
        var answer = await page.EvaluateAsync<System.Text.Json.JsonElement?>("() => new Promise(r => customerlab('number', r))");
        return answer is { ValueKind: System.Text.Json.JsonValueKind.Object } ? answer : null;
    }
}
