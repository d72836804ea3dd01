using System.Net;
using CustomerLab.Edge.Admin;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Security;

/// <summary>Admin keys hashed at rest, scoped to one site or global; the old Admin:ApiKeySha256 list still works.</summary>
public sealed class AdminKeyScopeTests(SecurityEdgeFixture fixture) : IClassFixture<SecurityEdgeFixture>
{
    private static object Site => new { domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199" };

    [Fact]
    public async Task ScopedKeyManagesOnlyItsSite_IfUsedOnAnotherSiteOrTheWholeApi()
    {
        using var client = new EdgeClient(fixture.Edge);
        var own = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{SecurityEdgeFixture.ScopedSite}", Site, SecurityEdgeFixture.ScopedAdminKey);
        var ownRead = await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{SecurityEdgeFixture.ScopedSite}", key: SecurityEdgeFixture.ScopedAdminKey);
        var other = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}", Site, SecurityEdgeFixture.ScopedAdminKey);
        var list = await client.AdminAsync(HttpMethod.Get, "/admin/sites", key: SecurityEdgeFixture.ScopedAdminKey);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownRead.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task GlobalKeysReachEverySite_IfConfiguredInEitherList()
    {
        using var client = new EdgeClient(fixture.Edge);
        var legacy = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}", Site, EdgeApplication.AdminKey);
        var listed = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}", Site, SecurityEdgeFixture.GlobalKeysEntry);
        var list = await client.AdminAsync(HttpMethod.Get, "/admin/sites", key: SecurityEdgeFixture.GlobalKeysEntry);

        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task RequestGets401_IfKeyIsMissingWrongOrTheHashItself()
    {
        using var client = new EdgeClient(fixture.Edge);
        var none = await client.AdminAsync(HttpMethod.Get, "/admin/sites", key: null);
        var wrong = await client.AdminAsync(HttpMethod.Get, "/admin/sites", key: EdgeApplication.AdminKey + "x");
        var hash = await client.AdminAsync(HttpMethod.Get, "/admin/sites", key: TestSites.Sha256Hex(EdgeApplication.AdminKey));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hash.StatusCode);
    }

    [Fact]
    public void KeysAreRefusedAtStartup_IfHashOrSiteIsMalformed()
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions
        {
            Keys = [new AdminKey { Sha256 = "abc" }, new AdminKey { Sha256 = new string('a', 64), Site = "Not A Site!" }],
        });
        Assert.True(result.Failed);
        Assert.Contains("Admin:Keys:0:Sha256", result.FailureMessage);
        Assert.Contains("Admin:Keys:1:Site", result.FailureMessage);
    }
}
