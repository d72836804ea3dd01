using CustomerLab.Edge.Accounts;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Tag;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Backoffice;

/// <summary>What the console's browser tests share: users made with the CLI, the sign-in, axe-core, the 375 px check, screenshots.</summary>
internal static class ConsoleTesting
{
    public const string Password = "correct horse battery staple";

    /// <summary>axe-core as report-js installs it (npm, pinned in report-js/package.json).</summary>
    private static readonly Lazy<string> AxeSource = new(() =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "report-js", "node_modules", "axe-core", "axe.min.js")));

    /// <summary>A new user made with the users CLI; returns the name.</summary>
    public static async Task<string> AddUserAsync(TagBrowserFixture fixture, string role, string? sites)
    {
        var name = role + Guid.NewGuid().ToString("N")[..8];
        string[] siteArgs = sites is null ? [] : ["--sites", sites];
        var stderr = new StringWriter();
        // The password on standard input: an environment variable would be seen by tests running in parallel.
        var code = await AccountsCli.RunAsync(["users", "add", name, "--role", role, .. siteArgs, .. fixture.Edge.StoreArguments],
            stdin: new StringReader(Password), stdout: new StringWriter(), stderr: stderr);
        Assert.True(code == 0, stderr.ToString());
        return name;
    }

    /// <summary>Signs <paramref name="name"/> in through the login page of a fresh context and lands on <paramref name="path"/>.</summary>
    public static async Task<(IBrowserContext Context, IPage Page)> SignInAsync(TagBrowserFixture fixture, string name, string path)
    {
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseUrl + path);
        Assert.Contains("/login", page.Url);
        await page.FillAsync("input[name=name]", name);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        // The sign-in spends PBKDF2's 100,000 iterations on purpose: on a busy machine that is more than the default wait.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/console", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = BrowserWorld.WaitTimeoutMs });
        await page.WaitForFunctionAsync("() => document.documentElement.dataset.console === 'ready'");
        return (context, page);
    }

    /// <summary>axe-core finds no WCAG 2.1 A/AA violation on the page.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var violations = await AxeViolationsAsync(page);
        Assert.True(violations.Length == 0, $"{page.Url}: axe-core found\n{string.Join("\n", violations)}");
    }

    /// <summary>axe-core's WCAG 2 A/AA violations on the page, as <c>rule: targets</c> lines.</summary>
    private static async Task<string[]> AxeViolationsAsync(IPage page)
    {
        // Evaluated through the DevTools protocol, so the console's CSP (script-src 'self') does not apply to the test's own script.
        await page.EvaluateAsync(AxeSource.Value);
        return await page.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))
              .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))
            """);
    }

    /// <summary>At 375 px wide the page does not scroll sideways (wide tables scroll inside their own region).</summary>
    public static async Task AssertFitsPhoneAsync(IPage page)
    {
        await page.SetViewportSizeAsync(375, 800);
        var (scroll, client) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"),
            await page.EvaluateAsync<int>("() => document.documentElement.clientWidth"));
        Assert.True(scroll <= client, $"{page.Url}: {scroll}px of content in a {client}px window");
    }

    /// <summary>A full-page screenshot under the test output (screenshots/NAME.png), never into tracked files.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 5_000, $"the screenshot {name} is empty");
    }
}
