using System.Net;
using CustomerLab.Edge.Accounts;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Accounts;

/// <summary>The report pages' login: cookie authentication, users from the CLI, hashed passwords.</summary>
public sealed class LoginTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportPages_NeedASignIn_AndAWrongPasswordIsRefused()
    {
        using var http = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        await fixture.Edge.Services.GetRequiredService<AccountStore>().SetAsync(name, "a long enough password");
        await fixture.Edge.Services.GetRequiredService<AccountStore>().SetSitesAsync(name, SiteAccess.Parse("abc"));

        var page = await http.GetAsync("/report?site=abc", Ct);
        var data = await http.GetAsync("/report/data/abc", Ct);
        var wrong = await PostLoginAsync(http, name, "not the password");
        var crossSite = await PostLoginAsync(http, name, "a long enough password", sameOrigin: false);
        var right = await PostLoginAsync(http, name, "a long enough password");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("http://localhost/login", page.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not right", await wrong.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var cookie = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cl_login=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var signedIn = new HttpRequestMessage(HttpMethod.Get, "/report/data/abc");
        signedIn.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(signedIn, Ct)).StatusCode);
    }

    [Fact]
    public async Task Cli_RefusesAShortPasswordOrABadName_AndStoresOnlyAHash()
    {
        var redis = $"--Redis:Url={fixture.Edge.RedisUrl}";
        var err = new StringWriter();
        Assert.Equal(2, await AccountsCli.RunAsync(["users", "add", "bob", "--sites", "*"], stdin: new StringReader("short"), stderr: err));
        var badName = new StringWriter();
        Assert.Equal(2, await AccountsCli.RunAsync(["users", "add", "b o b", "--sites", "*", redis], stdin: new StringReader("long enough password"), stderr: badName));
        Assert.StartsWith("usage: users add NAME", badName.ToString());
        var name = "c" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, await AccountsCli.RunAsync(["users", "add", name, "--sites", "*", .. fixture.Edge.StoreArguments], stdin: new StringReader("long enough password"), stdout: new StringWriter()));

        var redisConnection = fixture.Edge.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        var stored = (string?)await redisConnection.GetDatabase().HashGetAsync("cl:accounts", name);
        Assert.NotNull(stored);
        Assert.DoesNotContain("long enough password", stored);
        Assert.True(await fixture.Edge.Services.GetRequiredService<AccountStore>().VerifyAsync(name, "long enough password"));
        Assert.Contains("at least 12", err.ToString());
    }

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string name, string password, bool sameOrigin = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = name, ["password"] = password, ["returnUrl"] = "/report" }),
        };
        request.Headers.Add("Sec-Fetch-Site", sameOrigin ? "same-origin" : "cross-site");
        return await http.SendAsync(request, Ct);
    }
}
