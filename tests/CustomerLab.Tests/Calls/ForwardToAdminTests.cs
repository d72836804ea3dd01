using System.Net;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>The admin API's forward-to numbers and call settings: validated by field, and never a number that rings this service.</summary>
public sealed class ForwardToAdminTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    [Theory]
    [InlineData("forwardTo", "not a number", null)]
    [InlineData("forwardTo", "+1 202 555", null)]
    [InlineData("calls.callerId", null, "callerId")]
    [InlineData("calls.dialTimeoutSeconds", null, "dialTimeoutSeconds")]
    [InlineData("calls.twilioAuthToken", null, "twilioAccountSid")]
    [InlineData("calls.twilioAccountSid", null, "twilioAuthToken")]
    public async Task InvalidCallSettings_Are400NamingTheField(string field, string? forwardTo, string? badSetting)
    {
        using var admin = new EdgeClient(fixture.Edge);
        object? calls = badSetting switch
        {
            "callerId" => new { callerId = "the-moon" },
            "dialTimeoutSeconds" => new { dialTimeoutSeconds = 2 },
            "twilioAccountSid" => new { twilioAccountSid = TwilioCall.AccountSid },
            "twilioAuthToken" => new { twilioAuthToken = "0123456789abcdef0123" },
            _ => null,
        };
        var response = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{TestSites.NewSiteKey()}",
            new { domains = new[] { "example.com" }, defaultNumber = "+12025550199", forwardTo = forwardTo ?? NewNumber(), calls });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task PoolForwardTo_Is400NamingTheField_IfItIsNotANumber()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await CreateSiteAsync(admin, site, NumbersEdgeFixture.Numbers(1), NewNumber());

        var response = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/paid", new { numbers = NumbersEdgeFixture.Numbers(1), forwardTo = "12" });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("forwardTo", out _), problem.ToString());
    }

    [Fact]
    public async Task ForwardTo_Is409_IfItIsATrackingOrOverflowNumberOfAnySite()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var other = TestSites.NewSiteKey();
        var tracking = NumbersEdgeFixture.Numbers(1);
        var overflow = NewNumber();
        await CreateSiteAsync(admin, other, tracking, NewNumber(), overflow: overflow);
        var site = TestSites.NewSiteKey();
        await CreateSiteAsync(admin, site, NumbersEdgeFixture.Numbers(1), NewNumber());

        var siteToTracking = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}",
            new { domains = new[] { "example.com" }, defaultNumber = "+12025550199", forwardTo = tracking[0] });
        var poolToOverflow = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/paid", new { numbers = NumbersEdgeFixture.Numbers(1), forwardTo = overflow });
        var ownNumber = NumbersEdgeFixture.Numbers(1);
        var poolToItsOwnNumber = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/loop", new { numbers = ownNumber, forwardTo = ownNumber[0] });

        Assert.Equal("forwardTo", (await ProblemAsync(siteToTracking, HttpStatusCode.Conflict)).GetProperty("field").GetString());
        Assert.Equal("forwardTo", (await ProblemAsync(poolToOverflow, HttpStatusCode.Conflict)).GetProperty("field").GetString());
        await ProblemAsync(poolToItsOwnNumber, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task TrackingOrOverflowNumber_Is409_IfItIsAnySitesForwardTo()
    {
        using var admin = new EdgeClient(fixture.Edge);
        var siteLine = NewNumber();
        var poolLine = NewNumber();
        var owner = TestSites.NewSiteKey();
        await CreateSiteAsync(admin, owner, NumbersEdgeFixture.Numbers(1), siteLine, poolForwardTo: poolLine);
        var site = TestSites.NewSiteKey();
        await CreateSiteAsync(admin, site, NumbersEdgeFixture.Numbers(1), NewNumber());

        var addSiteLine = await admin.AdminAsync(HttpMethod.Post, $"/admin/sites/{site}/pools/main/numbers", new { numbers = new[] { siteLine } });
        var poolWithPoolLine = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/more", new { numbers = new[] { poolLine } });
        var overflowIsSiteLine = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/ovf", new { numbers = NumbersEdgeFixture.Numbers(1), overflowNumber = siteLine });

        Assert.Equal("numbers", (await ProblemAsync(addSiteLine, HttpStatusCode.Conflict)).GetProperty("field").GetString());
        Assert.Equal("numbers", (await ProblemAsync(poolWithPoolLine, HttpStatusCode.Conflict)).GetProperty("field").GetString());
        Assert.Equal("overflowNumber", (await ProblemAsync(overflowIsSiteLine, HttpStatusCode.Conflict)).GetProperty("field").GetString());
    }
}
