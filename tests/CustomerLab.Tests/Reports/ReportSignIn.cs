using Microsoft.Playwright;
using CustomerLab.Tests.Tag;

namespace CustomerLab.Tests.Reports;

/// <summary>The report page as an analyst sees it: created with the CLI for one site, signed in through the login form.</summary>
internal static class ReportSignIn
{
    /// <summary>
    /// Creates an analyst for <paramref name="site"/>, opens <c>/report?site=…</c> (which sends a signed-out browser to
    /// the login form), signs in, and returns the report page once it has drawn.
    /// </summary>
    public static async Task<IPage> OpenAsync(TagBrowserFixture fixture, IBrowserContext context, string site)
    {
        var name = "analyst" + Guid.NewGuid().ToString("N")[..8];
        // The password goes in on standard input: an environment variable would be seen by tests running in parallel.
        Assert.Equal(0, await CustomerLab.Edge.Accounts.AccountsCli.RunAsync(["users", "add", name, "--sites", site, .. fixture.Edge.StoreArguments],
            stdin: new StringReader("correct horse battery staple"), stdout: new StringWriter()));
        var report = await context.NewPageAsync();
        await report.GotoAsync($"{fixture.BaseUrl}/report?site={site}");
        Assert.Contains("/login", report.Url);
        await report.FillAsync("input[name=name]", name);
        await report.FillAsync("input[name=password]", "correct horse battery staple");
        await report.ClickAsync("button[type=submit]");
        await report.WaitForFunctionAsync("() => window.__report && (window.__report.state === 'drawn' || window.__report.state === 'error')");
        Assert.Equal("drawn", await report.EvaluateAsync<string>("() => window.__report.state === 'drawn' ? 'drawn' : window.__report.error"));
        return report;
    }
}
