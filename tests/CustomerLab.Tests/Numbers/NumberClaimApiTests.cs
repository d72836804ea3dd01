using System.Net;
using System.Text.Json;
using CustomerLab.Edge.Numbers;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// One number, one site, through the admin API (issue 14, finding 1): an overflow number is claimed like a tracking
/// number, a retired number moves only after its last lease, and a site can be deleted.
/// </summary>
public sealed class NumberClaimApiTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnotherSitesTrackingNumber_IsRefusedAsOverflowAndThenAsTrackingNumber()
    {
        using var client = new EdgeClient(fixture.Edge);
        var (a, b) = (TestSites.NewSiteKey(), TestSites.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(3);
        await client.CreateSiteAsync(a, numbers[..1]);
        await client.CreateSiteAsync(b, numbers[1..2]);

        var asOverflow = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{b}/pools/main", new { overflowNumber = numbers[0], numbers = Array.Empty<string>() });
        var asTracking = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{b}/pools/main/numbers", new { numbers = new[] { numbers[0] } });

        Assert.Equal(HttpStatusCode.Conflict, asOverflow.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, asTracking.StatusCode);
        // A's number is still A's and only A's: B's visitors can never be leased it.
        var bSite = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{b}"));
        Assert.Equal(JsonValueKind.Null, bSite.GetProperty("pools")[0].GetProperty("overflowNumber").ValueKind);
        Assert.Equal(1, bSite.GetProperty("pools")[0].GetProperty("stats").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task AnotherSitesOverflowNumber_IsRefusedAsTrackingOrOverflowNumber_ButPoolsOfOneSiteShareIt()
    {
        using var client = new EdgeClient(fixture.Edge);
        var (a, b) = (TestSites.NewSiteKey(), TestSites.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(4);
        await client.CreateSiteAsync(a, numbers[..1], overflow: numbers[3]);
        await client.CreateSiteAsync(b, numbers[1..2]);

        var shared = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{a}/pools/paid", new { overflowNumber = numbers[3], numbers = new[] { numbers[2] } });
        var bOverflow = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{b}/pools/main", new { overflowNumber = numbers[3] });
        var bTracking = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{b}/pools/main/numbers", new { numbers = new[] { numbers[3] } });
        var aTracking = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{a}/pools/main/numbers", new { numbers = new[] { numbers[3] } });

        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, bOverflow.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, bTracking.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, aTracking.StatusCode);
    }

    [Fact]
    public async Task OverflowClaimRefusal_DoesNotNameTheOtherSite()
    {
        using var client = new EdgeClient(fixture.Edge);
        var (a, b) = (TestSites.NewSiteKey(), TestSites.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(2);
        await client.CreateSiteAsync(a, numbers[..1]);
        await client.CreateSiteAsync(b, numbers[1..]);

        var response = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{b}/pools/main", new { overflowNumber = numbers[0] });
        var detail = (await EdgeClient.JsonAsync(response)).GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.DoesNotContain(a, detail);
    }

    [Fact]
    public async Task RetiredNumber_MovesToAnotherSite_OnlyAfterItsLastLeaseEnds()
    {
        using var client = new EdgeClient(fixture.Edge);
        var (a, b) = (TestSites.NewSiteKey(), TestSites.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(2);
        await client.CreateSiteAsync(a, numbers[..1], holdMinutes: 1);
        await client.CreateSiteAsync(b, numbers[1..]);
        var lease = await EdgeClient.JsonAsync(await client.RequestNumberAsync(a, "https://example.com/"));
        Assert.Equal("assigned", lease.GetProperty("status").GetString());

        var retire = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Delete, $"/admin/sites/{a}/pools/main/numbers/{Uri.EscapeDataString(numbers[0])}"));
        var whileLeased = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{b}/pools/main/numbers", new { numbers = new[] { numbers[0] } });
        // The lease ends (its session lets the number go, as an opt-out does); only then is A's claim stale.
        var pools = fixture.Edge.Services.GetRequiredService<NumberPool>();
        var holder = (await pools.SnapshotAsync(a, "main")).Holders[numbers[0]];
        Assert.NotNull(await pools.ReleaseAsync(a, "main", numbers[0], holder));
        await Poll.UntilAsync(async () => (await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{a}/pools/main/stats")))
            .GetProperty("size").GetInt32() == 0, TimeSpan.FromSeconds(60), "the retired number's lease to end");
        var afterLease = await client.AdminAsync(HttpMethod.Post, $"/admin/sites/{b}/pools/main/numbers", new { numbers = new[] { numbers[0] } });

        Assert.Equal("retiring", retire.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.Conflict, whileLeased.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterLease.StatusCode);
    }

    [Fact]
    public async Task DeletedSite_FreesItsNumbersForAnotherSite_AndAnswers404Afterwards()
    {
        using var client = new EdgeClient(fixture.Edge);
        var (a, b) = (TestSites.NewSiteKey(), TestSites.NewSiteKey());
        var numbers = NumbersEdgeFixture.Numbers(3);
        await client.CreateSiteAsync(a, numbers[..2], overflow: numbers[2]);
        await client.CreateSiteAsync(b, []);

        var deleted = await client.AdminAsync(HttpMethod.Delete, $"/admin/sites/{a}");
        var list = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Get, "/admin/sites"));
        var gone = await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{a}");
        var number = await client.RequestNumberAsync(a, "https://example.com/");
        var moved = await client.AdminAsync(HttpMethod.Put, $"/admin/sites/{b}/pools/main", new { overflowNumber = numbers[2], numbers = numbers[..2] });

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(a, list.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, number.StatusCode);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.AdminAsync(HttpMethod.Delete, $"/admin/sites/{a}")).StatusCode);
    }
}
