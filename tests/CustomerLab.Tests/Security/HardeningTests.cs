using System.Net;
using System.Text;
using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.Calls;
using CustomerLab.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Security;

/// <summary>The smaller findings of issue 14 (finding 5), each with the request that broke it.</summary>
public sealed class HardeningTests(SecurityEdgeFixture fixture) : IClassFixture<SecurityEdgeFixture>
{
    private const string Password = "a long enough password";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static object Site => new { domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199" };

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task SignInRedirectsToTheReport_IfReturnUrlIsNotLocal(string returnUrl)
    {
        using var http = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var name = "r" + Guid.NewGuid().ToString("N")[..10];
        await fixture.Edge.Services.GetRequiredService<AccountStore>().SetAsync(name, Password);

        var response = await PostFormAsync(http, "/login", [new("name", name), new("password", Password), new("returnUrl", returnUrl)]);
        var local = await PostFormAsync(http, "/login", [new("name", name), new("password", Password), new("returnUrl", "/report?site=abc")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/report", response.Headers.Location?.OriginalString);
        Assert.Equal("/report?site=abc", local.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SiteKeyOrPoolIdWithATrailingNewline_IsRefused()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();

        var newlineSite = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}%0A", Site);
        Assert.Equal(HttpStatusCode.OK, (await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", Site)).StatusCode);
        var newlinePool = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main%0A", new { numbers = Array.Empty<string>() });
        var newlineNumberRequest = await client.RequestNumberAsync(site + "\n", "https://example.com/");

        Assert.Equal(HttpStatusCode.BadRequest, newlineSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, newlinePool.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, newlineNumberRequest.StatusCode);
        Assert.DoesNotContain($"{site}\n", await (await client.AdminAsync(HttpMethod.Get, "/admin/sites")).Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("=1", true)]
    [InlineData("=HYPERLINK(\"http://x\")", true)]
    [InlineData("\t=1+1", true)]
    [InlineData("\r=1", true)]
    [InlineData("\n@SUM(A1)", true)]
    [InlineData("  =1", true)]
    [InlineData("@x", true)]
    [InlineData("-1+cmd", true)]
    [InlineData("+12025550100", false)]
    [InlineData("+1 (202) 555-0100", true)]
    [InlineData("-12.5", false)]
    [InlineData("plain", false)]
    [InlineData("", false)]
    public void CsvCellIsNeutralised_IfASpreadsheetWouldRunIt(string cell, bool neutralised) =>
        Assert.Equal(neutralised, CsvCells.NeedsNeutralising(cell));

    [Theory]
    [InlineData("/login")]
    [InlineData("/report")]
    public async Task SignInAndReportPagesCannotBeFramed(string path)
    {
        using var http = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await http.GetAsync(path, Ct);

        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Theory]
    [InlineData("/logout")]
    [InlineData("/optin")]
    public async Task CrossSitePostWithNullOrigin_IsRefused(string path)
    {
        using var http = fixture.Edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Origin", "null");

        var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task FrameworkErrorsAreProblemJsonWithTheSecurityHeaders_AndNameNoInternalTypes()
    {
        using var client = new EdgeClient(fixture.Edge);
        using var wrongMethod = new HttpRequestMessage(HttpMethod.Delete, "/v1/number");
        var methodNotAllowed = await client.Http.SendAsync(wrongMethod, Ct);
        using var wrongType = new HttpRequestMessage(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}")
        {
            Content = new StringContent("{}", Encoding.UTF8, "text/csv"),
        };
        wrongType.Headers.Add("X-Api-Key", EdgeApplication.AdminKey);
        var unsupported = await client.Http.SendAsync(wrongType, Ct);
        var badQuery = await client.AdminAsync(HttpMethod.Get, "/admin/reports/somesite?days=abc");

        foreach (var (response, status) in new[] { (methodNotAllowed, HttpStatusCode.MethodNotAllowed), (unsupported, HttpStatusCode.UnsupportedMediaType), (badQuery, HttpStatusCode.BadRequest) })
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.DoesNotContain("Nullable", body);
            Assert.DoesNotContain("System.", body);
        }
    }

    [Fact]
    public async Task ScopedKeyReachesItsSitesReportsAndExports_AndNoOtherSites()
    {
        using var client = new EdgeClient(fixture.Edge);
        const string own = SecurityEdgeFixture.ScopedSite;
        var other = TestSites.NewSiteKey();

        var report = await client.AdminAsync(HttpMethod.Get, $"/admin/reports/{own}", key: SecurityEdgeFixture.ScopedAdminKey);
        var otherReport = await client.AdminAsync(HttpMethod.Get, $"/admin/reports/{other}", key: SecurityEdgeFixture.ScopedAdminKey);
        var export = await client.AdminAsync(HttpMethod.Get, $"/admin/exports/calls.csv?site={own}", key: SecurityEdgeFixture.ScopedAdminKey);
        var otherExport = await client.AdminAsync(HttpMethod.Get, $"/admin/exports/calls.json?site={other}", key: SecurityEdgeFixture.ScopedAdminKey);
        var twoSites = await client.AdminAsync(HttpMethod.Get, $"/admin/exports/calls.csv?site={own}&site={other}", key: SecurityEdgeFixture.ScopedAdminKey);

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherReport.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherExport.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, twoSites.StatusCode);
    }

    [Theory]
    [InlineData("/v1/collect")]
    [InlineData("/v1/number")]
    public async Task UrlWithARawNul_IsRefusedNamingTheField(string path)
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        Assert.Equal(HttpStatusCode.OK, (await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", Site)).StatusCode);
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?> { ["k"] = site, ["n"] = "pageview", ["u"] = "https://example.com/a\u0000b", ["w"] = 1280 });

        var response = await client.SendTextAsync(path, body);
        var errors = (await EdgeClient.JsonAsync(response)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(errors.TryGetProperty("u", out _));
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, KeyValuePair<string, string>[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return await http.SendAsync(request, Ct);
    }
}
