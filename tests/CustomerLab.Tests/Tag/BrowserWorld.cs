using System.Net;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Tag;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(BrowserWorld))]

namespace CustomerLab.Tests.Tag;

/// <summary>
/// One headless Debian Chromium and one tag edge (the real edge on a loopback Kestrel socket, over Garnet and the local
/// ClickHouse host) for the whole run, each started by the first test that asks for it. Browser tests keep apart by
/// a browser context each (fresh cookies) and a site key each. A missing Chromium fails the test; it is never a skip.
/// </summary>
public sealed class BrowserWorld : IAsyncDisposable
{
    /// <summary>
    /// Debian's <c>chromium-headless-shell</c>: the same Blink and V8 as <c>chromium</c> without the desktop browser
    /// around them, and the build Playwright itself runs headless. A new page costs a third of the CPU it costs in the
    /// full browser, and the suite opens a few hundred. <c>CHROMIUM_PATH</c> picks another binary
    /// (<c>loadtest/tag-perf.sh</c> measures in the full browser visitors run).
    /// </summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium-headless-shell";

    /// <summary>
    /// Without the networking flags Chromium's own background connections fail on offline machines. Playwright gives
    /// every launch a fresh temporary --user-data-dir of its own.
    /// </summary>
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>How long a browser test waits for a page or an element before failing.</summary>
    public const int WaitTimeoutMs = 60_000;

    private readonly SemaphoreSlim _start = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private (EdgeApplication Edge, int Port)? _edge, _developmentEdge;

    /// <summary>The shared browser (launched on first use).</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        await _start.WaitAsync();
        try
        {
            if (_browser is not null) return _browser;
            if (!File.Exists(ChromiumPath))
                throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath} (./test.sh installs Debian's chromium-headless-shell); the tag tests need a real browser.");
            _playwright = await Playwright.CreateAsync();
            // Waits are for conditions, not deadlines: on a loaded 2-core machine a console page or a web-first
            // assertion can take well over Playwright's defaults (30 s, 5 s) while still being correct.
            Assertions.SetDefaultExpectTimeout(WaitTimeoutMs);
            return _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
        }
        finally { _start.Release(); }
    }

    /// <summary>A browser of its own with extra launch flags (such as host resolver rules), for the one test class that needs them.</summary>
    public async Task<IBrowser> LaunchOwnBrowserAsync(params string[] extraArgs)
    {
        await BrowserAsync(); // the Playwright driver
        return await _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = [.. ChromiumArgs, .. extraArgs] });
    }

    /// <summary>The shared tag edge and its port (started on first use).</summary>
    public async Task<(EdgeApplication Edge, int Port)> TagEdgeAsync(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
    {
        await _start.WaitAsync();
        try
        {
            return _edge ??= await StartEdgeAsync(garnet, clickHouse, "tag", "Testing");
        }
        finally { _start.Release(); }
    }

    /// <summary>
    /// A second shared edge in the Development environment, as <c>./run.sh</c> runs it (the demo page's test call exists
    /// only there), started on first use.
    /// </summary>
    public async Task<(EdgeApplication Edge, int Port)> DevelopmentEdgeAsync(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
    {
        await _start.WaitAsync();
        try
        {
            return _developmentEdge ??= await StartEdgeAsync(garnet, clickHouse, "dev", "Development");
        }
        finally { _start.Release(); }
    }

    private static async Task<(EdgeApplication Edge, int Port)> StartEdgeAsync(GarnetFixture garnet, ClickHouseHostFixture clickHouse, string name, string environment)
    {
        await TagBuild.EnsureBuiltAsync();
        var port = FreePort.Next();
        var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(name), new Dictionary<string, string?>
        {
            ["Tag:Path"] = TagBuild.BuiltFile,
            ["Events:DataPackagesPath"] = Path.Combine(RepoPaths.Root, "deps", "node_modules"),
            // Two cores shared by Chromium, the edge, ClickHouse and parallel tests: the 40 ms production wait for
            // Redis would turn into default numbers here, which these tests are not about.
            ["Numbers:RedisTimeoutMs"] = "2000",
            ["Events:RedisTimeoutMs"] = "2000",
            // Every browser test of the run comes from 127.0.0.1; they are not about per-address rate limits.
            ["Security:PermitsPerIp"] = "1000000",
            ["Numbers:LeaseCapPerNetwork"] = "0",
        }) { EnvironmentName = environment };
        edge.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        edge.StartServer();
        return (edge, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_edge is { } started) await started.Edge.DisposeAsync();
        if (_developmentEdge is { } development) await development.Edge.DisposeAsync();
    }
}
