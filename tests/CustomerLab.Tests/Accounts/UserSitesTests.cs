using System.Net;
using System.Text.Json;
using CustomerLab.Edge.Accounts;
using CustomerLab.Tests.Numbers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Accounts;

/// <summary>
/// A signed-in report user reads only the sites on their list, which operators manage with the users CLI; a user
/// without a list reads none, and <c>*</c> grants every site.
/// </summary>
public sealed class UserSitesTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Password = "a long enough password";

    [Fact]
    public async Task AUser_ReadsTheSitesOnTheirList_AndGets403NamingTheSite_ForAnyOther()
    {
        var name = await AddUserAsync(["--sites", "shop-a,shop-b"]);
        using var http = await SignInAsync(name);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/report/data/shop-a", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/report/data/shop-b", Ct)).StatusCode);
        var other = await http.GetAsync("/report/data/shop-c", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await other.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith("site: 'shop-c'", detail);

        // The operator changes the list: it applies to the next request, without signing in again.
        Assert.Equal(0, await Cli(["users", "sites", name, "shop-c"]));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/report/data/shop-c", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/report/data/shop-a", Ct)).StatusCode);
    }

    [Fact]
    public async Task AUserWithoutAList_ReadsNoSite_AndStar_GrantsEverySite()
    {
        var store = fixture.Edge.Services.GetRequiredService<AccountStore>();
        var name = "n" + Guid.NewGuid().ToString("N")[..10];
        await store.SetAsync(name, Password); // as users created before site lists existed
        using var http = await SignInAsync(name);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/report/data/anysite", Ct)).StatusCode);

        Assert.Equal(0, await Cli(["users", "sites", name, "*"]));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/report/data/anysite", Ct)).StatusCode);
    }

    [Fact]
    public async Task TheCli_RequiresSitesOnAdd_RefusesBadKeys_AndListsUsersWithTheirSites()
    {
        var err = new StringWriter();
        var name = "l" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(2, await Cli(["users", "add", name], err));
        Assert.Contains("--sites", err.ToString());
        Assert.Equal(2, await Cli(["users", "add", name, "--sites", "ok-site,bad site"], err));
        Assert.Contains("'bad site' is not a site key", err.ToString());
        Assert.Equal(1, await Cli(["users", "sites", "nobody" + Guid.NewGuid().ToString("N")[..6], "x-site"]));

        await AddUserAsync(["--sites=zeta,alpha"], name);
        var output = new StringWriter();
        Assert.Equal(0, await Cli(["users", "list"], stdout: output));
        Assert.Contains($"{name}\talpha,zeta\tanalyst", output.ToString().Split('\n').Select(l => l.TrimEnd('\r')));

        Assert.Equal(0, await Cli(["users", "remove", name]));
        Assert.Equal(SiteAccess.None, await fixture.Edge.Services.GetRequiredService<AccountStore>().GetSitesAsync(name));
    }

    [Fact]
    public async Task AnAdmin_ReadsEverySiteWithoutAList_AndTheRoleIsChecked_AndChangedByTheCli()
    {
        var err = new StringWriter();
        Assert.Equal(2, await Cli(["users", "add", "r" + Guid.NewGuid().ToString("N")[..10], "--role", "owner", "--sites", "shop-a"], err));
        Assert.Contains("'owner' is not a role", err.ToString());

        var admin = await AddUserAsync(["--role", "admin"]);
        using var http = await SignInAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/report/data/any-site-at-all", Ct)).StatusCode);
        var store = fixture.Edge.Services.GetRequiredService<AccountStore>();
        Assert.Equal(UserRole.Admin, (await store.GetAccessAsync(admin)).Role);

        // Demoted, the user reads only their (empty) list; a user from before roles is an analyst.
        Assert.Equal(0, await Cli(["users", "role", admin, "analyst"]));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/report/data/any-site-at-all", Ct)).StatusCode);
        var older = await AddUserAsync(["--sites", "shop-a"]);
        await fixture.Edge.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase().HashDeleteAsync("cl:accounts:roles", older);
        var access = await store.GetAccessAsync(older);
        Assert.Equal((UserRole.Analyst, true, false), (access.Role, access.MayRead("shop-a"), access.MayRead("shop-b")));
    }

    /// <summary>Adds a user (a new name unless given) with the CLI, the sites as the operator typed them.</summary>
    private async Task<string> AddUserAsync(string[] sites, string? name = null)
    {
        name ??= "s" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, await Cli(["users", "add", name, .. sites]));
        return name;
    }

    private Task<int> Cli(string[] args, TextWriter? stderr = null, TextWriter? stdout = null) =>
        AccountsCli.RunAsync([.. args, .. fixture.Edge.StoreArguments], stdin: new StringReader(Password),
            stdout: stdout ?? new StringWriter(), stderr: stderr ?? new StringWriter());

    private async Task<HttpClient> SignInAsync(string name)
    {
        var http = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = name, ["password"] = Password, ["returnUrl"] = "/report" }),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return http;
    }
}
