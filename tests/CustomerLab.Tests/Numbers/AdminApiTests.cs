using System.Net;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Numbers;

/// <summary>The sites and pools admin API: authentication and validation.</summary>
public sealed class AdminApiTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task AdminApi_Is401_IfTheKeyIsMissingOrWrong(string? key)
    {
        using var client = new EdgeClient(fixture.Edge);
        var response = await client.AdminAsync(HttpMethod.Get, "/admin/sites", key: key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Site_Is400NamingEachBadField_IfNumbersOrDomainsAreInvalid()
    {
        using var client = new EdgeClient(fixture.Edge);
        var response = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}",
            new { domains = new[] { "example.com", "not a host" }, targets = new[] { "+12025550100", "555" }, defaultNumber = "12", holdMinutes = 0 });
        var errors = (await EdgeClient.JsonAsync(response)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(errors.TryGetProperty("domains[1]", out _));
        Assert.True(errors.TryGetProperty("targets[1]", out _));
        Assert.True(errors.TryGetProperty("defaultNumber", out _));
        Assert.True(errors.TryGetProperty("holdMinutes", out _));
        Assert.False(errors.TryGetProperty("targets[0]", out _));
    }

    [Fact]
    public async Task PoolNumbers_Are400NamingTheIndex_IfOneIsInvalid()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));

        var response = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{site}/pools/main/numbers", new { numbers = new[] { "+12025550150", "+1555" } });
        var errors = (await EdgeClient.JsonAsync(response)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(errors.TryGetProperty("numbers[1]", out var message));
        Assert.Contains("+1555", message[0].GetString());
    }

    [Fact]
    public async Task NationalNumbers_AreStoredAsE164_InTheSiteRegion()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var response = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}",
            new { domains = new[] { "example.co.uk" }, targets = new[] { "020 7946 0000" }, defaultNumber = "020 7946 0001", region = "GB" });
        var json = await EdgeClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+442079460000", json.GetProperty("targets")[0].GetString());
        Assert.Equal("+442079460001", json.GetProperty("defaultNumber").GetString());
    }

    [Fact]
    public async Task NumberInTwoPools_IsRefusedWith409()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var main = NumbersEdgeFixture.Numbers(2);
        await client.CreateSiteAsync(site, main);

        var response = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/paid", new { numbers = new[] { main[0] } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task NumberInAnotherSitesPool_IsRefusedWith409_UntilRetiredThere()
    {
        using var client = new EdgeClient(fixture.Edge);
        var (first, second) = (TestSites.NewSiteKey(), TestSites.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(2);
        await client.CreateSiteAsync(first, numbers);
        await client.CreateSiteAsync(second, NumbersEdgeFixture.Numbers(1));

        var taken = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{second}/pools/main/numbers", new { numbers = new[] { numbers[0] } });
        var takenByPut = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{second}/pools/paid", new { numbers = new[] { numbers[1] } });
        var retired = await client.AdminAsync(HttpMethod.Delete, $"/admin/sites/{first}/pools/main/numbers/{Uri.EscapeDataString(numbers[0])}");
        var moved = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{second}/pools/main/numbers", new { numbers = new[] { numbers[0] } });

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var problem = await EdgeClient.JsonAsync(taken);
        Assert.Contains("another site", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(first, problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, takenByPut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }

    [Fact]
    public async Task UnknownSiteOrPool_Is404()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));

        Assert.Equal(HttpStatusCode.NotFound, (await client.AdminAsync(HttpMethod.Get, "/admin/sites/nosuchsite")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/pools/nosuchpool/stats")).StatusCode);
    }
}
