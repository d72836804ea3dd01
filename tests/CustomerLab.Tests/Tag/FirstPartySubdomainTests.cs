using CustomerLab.Tests.Fixtures;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// The documented first-party setup in a real browser: the edge served from a subdomain of the client's site
/// (<c>t.shop.test</c> beside the page on <c>www.shop.test</c>; Chromium's <c>--host-resolver-rules</c> maps both names
/// to the loopback edge). The tag's calls are same-site, so the edge's cookies are first-party: they are kept for the
/// edge's host and sent back, so the visitor keeps its session and its number across pages. The page comes from a
/// plain loopback server of its own, so page and edge are both local addresses, as a site and its CNAME'd edge are
/// both public ones (Chromium treats a public page calling a loopback host differently).
/// </summary>
public sealed class FirstPartySubdomainTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>, IAsyncLifetime
{
    private const string SiteDomain = "shop.test";
    private IBrowser? _browser;
    private readonly PageServer _pages = new();

    private string PageOrigin => $"http://www.{SiteDomain}:{_pages.Port}";
    private string EdgeOrigin => $"http://t.{SiteDomain}:{fixture.Port}";

    public async ValueTask InitializeAsync()
    {
        // Host resolver rules are a launch flag: this class needs a browser of its own.
        _browser = await fixture.World.LaunchOwnBrowserAsync($"--host-resolver-rules=MAP *.{SiteDomain} 127.0.0.1");
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _pages.Dispose();
    }

    [Fact]
    public async Task VisitorKeepsItsSessionAndNumber_IfTheEdgeIsOnASubdomainOfThePagesSite()
    {
        await fixture.WaitReadyAsync();
        var site = TestSites.NewSiteKey();
        using var admin = new EdgeClient(fixture.Http);
        var created = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}",
            new { domains = new[] { SiteDomain }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", holdMinutes = 30 });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var pool = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main", new { numbers = Numbers.NumbersEdgeFixture.Numbers(2) });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // The tag waits as long as the other tag tests' (a loaded machine can take longer than its default 1.5 s).
        await using var context = await _browser!.NewContextAsync();
        context.SetDefaultTimeout(BrowserWorld.WaitTimeoutMs);
        var html = $"""<!doctype html><html><head><title>Shop</title>{TagBrowserFixture.QueueStub}<script async src="{EdgeOrigin}/cl.js" data-site="{site}" data-timeout="{BrowserWorld.WaitTimeoutMs}"></script></head><body><p>Call <a href="tel:+12025550198">(202) 555-0198</a></p></body></html>""";
        _pages.Html = html;
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{PageOrigin}/landing");
        var first = await TagBrowserFixture.AnswerAsync(page);
        await page.GotoAsync($"{PageOrigin}/pricing");
        var second = await TagBrowserFixture.AnswerAsync(page);
        var cookies = await context.CookiesAsync();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal("assigned", first.Value.GetProperty("status").GetString());
        // The second page's request carried the session cookie set by the first: same session, same number.
        Assert.Equal("renewed", second.Value.GetProperty("status").GetString());
        Assert.Equal(first.Value.GetProperty("number").GetString(), second.Value.GetProperty("number").GetString());
        Assert.Contains(second.Value.GetProperty("national").GetString()!, await page.InnerTextAsync("body"));
        // The ids are the edge host's own cookies (host-only, on the site's subdomain), not a third party's.
        Assert.Contains(cookies, c => c.Name == "_clsid" && c.Domain == $"t.{SiteDomain}");
        Assert.Contains(cookies, c => c.Name == "_clvid" && c.Domain == $"t.{SiteDomain}");
    }
}

/// <summary>A loopback HTTP/1.1 server that answers every request with one HTML page (the client site's page).</summary>
internal sealed class PageServer : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public PageServer()
    {
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

    public string Html { get; set; } = "";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            System.Net.Sockets.TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    var request = new System.Text.StringBuilder();
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await stream.ReadAsync(buffer, _stop.Token);
                        if (n == 0) return;
                        request.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    var body = System.Text.Encoding.UTF8.GetBytes(Html);
                    var head = $"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
