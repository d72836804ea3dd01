using System.Net;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using CustomerLab.Tests.Tag;
using Microsoft.Playwright;

namespace CustomerLab.Tests.Backoffice;

/// <summary>
/// The console's setup pages in Chromium against the real edge, Garnet and ClickHouse: an admin creates a site and a
/// pool (and a visit then gets a number from that pool), pastes numbers (a bad and an already-used one come back
/// beside their error), edits a pool and retires a number, and adds a user; an analyst changes nothing, direct posts
/// included. Every page passes axe-core and fits 375 px; screenshots go under the test output.
/// </summary>
[LongRunning]
public sealed class ConsoleSetupBrowserTests(DevelopmentBrowserFixture fixture) : IClassFixture<DevelopmentBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAdminCreatesASiteAndAPool_AndAVisitGetsANumberFromThatPool()
    {
        await fixture.WaitReadyAsync();
        var admin = await ConsoleTesting.AddUserAsync(fixture, "admin", null);
        var (context, page) = await ConsoleTesting.SignInAsync(fixture, admin, "/console/sites/new");
        await using var _ = context;
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var site = TagBrowserFixture.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(2);

        await page.GetByLabel("Site key").FillAsync(site);
        await page.GetByLabel("Domains").FillAsync("127.0.0.1, localhost");
        await page.GetByLabel("Target numbers").FillAsync("(202) 555-0198");
        await page.GetByLabel("Default number").FillAsync("+1 202 555 0199");
        await page.GetByLabel("Forward-to number").FillAsync(CallsTesting.NewNumber());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save site" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/sites/{site}?saved=true");
        Assert.Equal($"<script async src=\"{fixture.BaseUrl}/cl.js\" data-site=\"{site}\"></script>", await page.InnerTextAsync($"#tag-{site}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy script tag" }).ClickAsync();
        await Assertions.Expect(page.Locator($"#tag-{site}-status")).ToHaveTextAsync("Copied.");
        Assert.Contains($"data-site=\"{site}\"", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await ConsoleTesting.AssertAccessibleAsync(page);
        await ConsoleTesting.ScreenshotAsync(page, "console-site");
        await ConsoleTesting.AssertFitsPhoneAsync(page);
        await page.SetViewportSizeAsync(1280, 900);

        await page.GotoAsync($"{fixture.BaseUrl}/console/pools?site={site}");
        Assert.Contains("has no pool yet", await page.InnerTextAsync("main"));
        await page.GetByText($"Create a pool for {site}").ClickAsync();
        var create = page.GetByRole(AriaRole.Form, new() { Name = $"Create a pool for {site}" });
        await create.GetByLabel("Pool id").FillAsync("paid");
        await create.GetByLabel("Visitors with an ad click id").CheckAsync();
        await create.GetByLabel("Tracking numbers").FillAsync(string.Join("\n", numbers));
        await create.GetByRole(AriaRole.Button, new() { Name = "Create pool" }).ClickAsync();
        await page.WaitForURLAsync("**saved=created**");
        var card = page.Locator($"#pool-{site}-paid");
        Assert.Contains("ad click id", await card.InnerTextAsync());
        await page.WaitForFunctionAsync("() => window.customerlabSetup && window.customerlabSetup.charts === 1");
        await ConsoleTesting.AssertAccessibleAsync(page);
        await ConsoleTesting.ScreenshotAsync(page, "console-pools");
        await ConsoleTesting.AssertFitsPhoneAsync(page);

        // A visit from an ad to the new site draws its number from the new pool.
        await using var visitor = await fixture.NewContextAsync();
        var visit = await visitor.NewPageAsync();
        await visit.GotoAsync(await fixture.ServePageAsync(visitor, "/console-setup-landing?gclid=SETUP-GCLID",
            $"<!doctype html><html><head><title>Landing</title>{fixture.TagScript(site)}</head><body><p>Call (202) 555-0198</p></body></html>"));
        var answer = await TagBrowserFixture.AnswerAsync(visit);
        Assert.NotNull(answer);
        Assert.Equal("paid", answer.Value.GetProperty("pool").GetString());
        Assert.Contains(answer.Value.GetProperty("number").GetString(), numbers);

        // Both changes are in the audit, with who made them.
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        Assert.Equal(2ul, await CallsTesting.CountAsync(clickHouse,
            $"SELECT count() FROM console_audit WHERE site_id = '{site}' AND user_name = '{admin}' AND action IN ('site.create', 'pool.create')"));
    }

    [Fact]
    public async Task PastedNumbers_WithABadAndAnAlreadyUsedOne_ShowTheirErrorsBesideThem_AndPoolsCanBeEditedAndNumbersRetired()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        var (main, extra, fresh) = (NumbersEdgeFixture.Numbers(2), NumbersEdgeFixture.Numbers(1), NumbersEdgeFixture.Numbers(1)[0]);
        await CreateSiteAsync(site, ("main", main), ("extra", extra));
        var admin = await ConsoleTesting.AddUserAsync(fixture, "admin", null);
        var (context, page) = await ConsoleTesting.SignInAsync(fixture, admin, $"/console/pools?site={site}");
        await using var _ = context;

        var paste = page.GetByRole(AriaRole.Form, new() { Name = "Add numbers to pool main" });
        await paste.GetByLabel("Add numbers").FillAsync($"{fresh}\n12345\n{extra[0]}");
        await paste.GetByRole(AriaRole.Button, new() { Name = "Add numbers" }).ClickAsync();
        var errors = page.Locator($"#pool-{site}-main [role=alert] li:has(code)");
        await Assertions.Expect(errors).ToHaveCountAsync(2);
        Assert.Matches("^12345 .*not a valid phone number|^12345 .*not a phone number", await errors.Nth(0).InnerTextAsync());
        Assert.Matches($@"^\{extra[0]} .*already in pool 'extra'", await errors.Nth(1).InnerTextAsync());
        Assert.Equal($"12345\n{extra[0]}", await paste.GetByLabel("Add numbers").InputValueAsync());
        Assert.Contains($"Added 1 of 3 numbers", await page.InnerTextAsync($"#pool-{site}-main"));
        var stats = await PoolAsync(site, "main");
        Assert.Equal(3, stats.GetProperty("stats").GetProperty("size").GetInt32());
        await ConsoleTesting.AssertAccessibleAsync(page);
        await ConsoleTesting.ScreenshotAsync(page, "console-pool-errors");

        // The source rule and the overflow number change; the numbers stay.
        await page.GotoAsync($"{fixture.BaseUrl}/console/pools?site={site}");
        var card = page.Locator($"#pool-{site}-main");
        await card.GetByText("Edit source rule and overflow number").ClickAsync();
        var edit = page.GetByRole(AriaRole.Form, new() { Name = "Edit pool main" });
        await edit.GetByLabel("utm_medium values").FillAsync("cpc, ppc");
        var overflow = NumbersEdgeFixture.Numbers(1)[0];
        await edit.GetByLabel("Overflow number").FillAsync(overflow);
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save pool" }).ClickAsync();
        await page.WaitForURLAsync("**saved=edited**");
        stats = await PoolAsync(site, "main");
        Assert.Equal(overflow, stats.GetProperty("overflowNumber").GetString());
        Assert.Equal(["cpc", "ppc"], stats.GetProperty("match").GetProperty("utmMedium").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(3, stats.GetProperty("stats").GetProperty("size").GetInt32());

        // Retiring a free number removes it at once.
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator($"#pool-{site}-main summary", new() { HasText = "Numbers" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Retire {fresh}" }).ClickAsync();
        await page.WaitForURLAsync("**saved=retired**");
        Assert.Equal(2, (await PoolAsync(site, "main")).GetProperty("stats").GetProperty("size").GetInt32());
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Database);
        Assert.Equal(3ul, await CallsTesting.CountAsync(clickHouse,
            $"SELECT count() FROM console_audit WHERE site_id = '{site}' AND action IN ('pool.numbers.add', 'pool.edit', 'pool.number.retire')"));
    }

    [Fact]
    public async Task AnAnalystSeesTheirPoolsReadOnly_AndChangesNothing_EvenByADirectPost()
    {
        await fixture.WaitReadyAsync();
        var (site, other) = (TagBrowserFixture.NewSiteKey(), TagBrowserFixture.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(site, ("main", numbers));
        await CreateSiteAsync(other, ("main", NumbersEdgeFixture.Numbers(1)));
        // Two visitors at once for a pool of one number: the second finds it empty, so the pool is too small.
        foreach (var visitor in new[] { "one", "two" })
        {
            using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/number") { Content = new StringContent($$"""{"k":"{{site}}","u":"http://127.0.0.1/{{visitor}}"}""") };
            request.Headers.Add("Origin", "http://127.0.0.1");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
        }
        var analyst = await ConsoleTesting.AddUserAsync(fixture, "analyst", site);
        var (context, page) = await ConsoleTesting.SignInAsync(fixture, analyst, "/console/pools");
        await using var _ = context;

        Assert.Equal(1, await page.Locator($"#pool-{site}-main").CountAsync());
        var warning = await page.Locator($"#pool-{site}-main [role=alert]").InnerTextAsync();
        Assert.Equal("Too small: peak demand was 2 in the last 24 hours, and the pool has 1. Add at least 3 to reach the recommended size of 4.", warning);
        Assert.Equal("too small", await page.Locator($"#pool-{site}-main h3 .badge").InnerTextAsync());
        await ConsoleTesting.ScreenshotAsync(page, "console-pool-too-small");
        Assert.Equal(0, await page.Locator($"#pool-{other}-main").CountAsync());
        Assert.Equal(0, await page.Locator("main form[method=post]").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Sites" }).CountAsync());
        await ConsoleTesting.AssertAccessibleAsync(page);
        await ConsoleTesting.AssertFitsPhoneAsync(page);

        var token = await page.Locator("meta[name=csrf-token]").GetAttributeAsync("content");
        async Task<int> PostAsync(string path, Dictionary<string, string> form)
        {
            form["__csrf"] = token!;
            var data = context.APIRequest.CreateFormData();
            foreach (var (key, value) in form) data.Set(key, value);
            var response = await context.APIRequest.PostAsync(fixture.BaseUrl + path, new() { Form = data, MaxRedirects = 0 });
            return response.Status;
        }
        Assert.Equal(403, await PostAsync($"/console/pools/{site}/main/numbers", new() { ["numbers"] = NumbersEdgeFixture.Numbers(1)[0] }));
        Assert.Equal(403, await PostAsync($"/console/pools/{site}/main/retire", new() { ["number"] = numbers[0] }));
        Assert.Equal(403, await PostAsync($"/console/pools/{site}", new() { ["pool"] = "mine", ["numbers"] = NumbersEdgeFixture.Numbers(1)[0] }));
        Assert.Equal(403, await PostAsync($"/console/pools/{site}/main", new() { ["utmMedium"] = "cpc" }));
        Assert.Equal(403, await PostAsync("/console/sites/new", new() { ["siteKey"] = TagBrowserFixture.NewSiteKey(), ["domains"] = "x.example", ["defaultNumber"] = "+12025550199" }));
        Assert.Equal(403, await PostAsync($"/console/sites/{site}", new() { ["domains"] = "x.example", ["defaultNumber"] = "+12025550199" }));
        Assert.Equal(403, await PostAsync("/console/users", new() { ["name"] = "mallory" + Guid.NewGuid().ToString("N")[..6], ["password"] = ConsoleTesting.Password, ["role"] = "admin" }));
        Assert.Equal(403, await PostAsync($"/console/users/{analyst}", new() { ["role"] = "admin", ["sites"] = "*" }));
        foreach (var path in new[] { "/console/sites", $"/console/sites/{site}", "/console/users", $"/console/pools?site={other}" })
            Assert.Equal(403, (await context.APIRequest.GetAsync(fixture.BaseUrl + path)).Status);

        // Nothing changed: the one pool, its one number, no rule.
        var pool = Assert.Single(await SitePoolsAsync(site));
        Assert.Equal(1, pool.GetProperty("stats").GetProperty("size").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pool.GetProperty("match").ValueKind);
    }

    [Fact]
    public async Task AnAdminAddsAUserWithARoleAndSites_InTheStoreTheUsersCommandReads()
    {
        await fixture.WaitReadyAsync();
        var site = TagBrowserFixture.NewSiteKey();
        await CreateSiteAsync(site, ("main", NumbersEdgeFixture.Numbers(1)));
        var admin = await ConsoleTesting.AddUserAsync(fixture, "admin", null);
        var (context, page) = await ConsoleTesting.SignInAsync(fixture, admin, "/console/users");
        await using var _ = context;
        var name = "newanalyst" + Guid.NewGuid().ToString("N")[..6];

        var add = page.GetByRole(AriaRole.Form, new() { Name = "Add a user" });
        await add.GetByLabel("Name").FillAsync(name);
        await add.GetByLabel("Password").FillAsync("short");
        await add.GetByLabel("Role").SelectOptionAsync("analyst");
        await add.GetByLabel("Sites").FillAsync(site);
        await add.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("password: at least 12 characters");
        await add.GetByLabel("Password").FillAsync(ConsoleTesting.Password);
        await add.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await page.WaitForURLAsync("**/console/users?saved=true");
        Assert.Contains($"{name}\t{site}\tanalyst", await UsersListAsync());
        await ConsoleTesting.AssertAccessibleAsync(page);
        await ConsoleTesting.ScreenshotAsync(page, "console-users");
        await ConsoleTesting.AssertFitsPhoneAsync(page);
        await page.SetViewportSizeAsync(1280, 900);

        // The new analyst signs in and reads their site's pools.
        var (analystContext, analystPage) = await ConsoleTesting.SignInAsync(fixture, name, "/console/pools");
        await using (analystContext) Assert.Equal(1, await analystPage.Locator($"#pool-{site}-main").CountAsync());

        // Made an admin from the list.
        var row = page.GetByRole(AriaRole.Form, new() { Name = $"Role and sites of {name}" });
        await row.GetByLabel("Role").SelectOptionAsync("admin");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Save {name}" }).ClickAsync();
        await page.WaitForURLAsync("**/console/users?saved=true");
        Assert.Contains($"{name}\t{site}\tadmin", await UsersListAsync());
    }

    private async Task CreateSiteAsync(string site, params (string Id, string[] Numbers)[] pools)
    {
        var created = await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "127.0.0.1", "localhost" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", holdMinutes = 30,
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        foreach (var (id, numbers) in pools)
        {
            var pool = await fixture.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/{id}", new { numbers });
            Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync(Ct));
        }
    }

    private async Task<System.Text.Json.JsonElement> PoolAsync(string site, string pool) =>
        (await SitePoolsAsync(site)).Single(p => p.GetProperty("id").GetString() == pool);

    private async Task<System.Text.Json.JsonElement[]> SitePoolsAsync(string site)
    {
        var response = await fixture.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("pools").EnumerateArray().ToArray();
    }

    private async Task<string> UsersListAsync()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await CustomerLab.Edge.Accounts.AccountsCli.RunAsync(["users", "list", .. fixture.Edge.StoreArguments], stdin: new StringReader(""), stdout: stdout));
        return stdout.ToString();
    }
}
