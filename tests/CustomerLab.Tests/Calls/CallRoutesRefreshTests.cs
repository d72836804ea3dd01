using CustomerLab.Edge.Calls;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerLab.Tests.Calls.CallsTesting;
using OptionsFactory = Microsoft.Extensions.Options.Options;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// Another edge's routing table follows admin changes on its refresh timer (driven here by a fake clock), and a table
/// loaded from the snapshot file routes like the one it was written from.
/// </summary>
public sealed class CallRoutesRefreshTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OtherEdgesTable_PicksUpAChange_OnItsNextRefreshTick_AndItsSnapshotRoutesTheSame()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Edge.RedisUrl.Replace("redis://", "", StringComparison.Ordinal));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var snapshot = Path.Combine(RepoPaths.NewTempDirectory("routes"), "routes.json");
        var router = NewRouter(redis, time, snapshot);
        using var refresher = new CallRoutesRefresher(router, OptionsFactory.Create(new CallOptions { RoutesRefreshSeconds = 10 }), time,
            NullLogger<CallRoutesRefresher>.Instance);
        await refresher.StartAsync(Ct);
        await Poll.UntilAsync(() => Task.FromResult(router.Current.BuiltAt != DateTimeOffset.MinValue), TimeSpan.FromSeconds(30), "the first refresh");

        // The change goes through the test edge, as an admin would through any edge.
        using var admin = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1);
        var forwardTo = NewNumber();
        await CreateSiteAsync(admin, site, number, forwardTo);
        var beforeTick = router.Find(number[0]);
        time.Advance(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => Task.FromResult(router.Find(number[0]) is not null), TimeSpan.FromSeconds(30), "the change after the refresh tick");
        await refresher.StopAsync(Ct);
        var restarted = NewRouter(redis, time, snapshot);
        restarted.LoadSnapshot();

        Assert.Null(beforeTick);
        Assert.Equal(forwardTo, router.Find(number[0])!.ForwardTo);
        Assert.Equal(router.Find(number[0]), restarted.Find(number[0]));
        Assert.Equal(CallRoute.Tracking, restarted.Find(number[0])!.Kind);
    }

    private static CallRouter NewRouter(IConnectionMultiplexer redis, TimeProvider time, string snapshot) =>
        new(new SiteStore(redis, time, NullLogger<SiteStore>.Instance), new NumberIndex(redis),
            OptionsFactory.Create(new CallOptions { RoutesSnapshotPath = snapshot }), OptionsFactory.Create(new DeliveryOptions()),
            OptionsFactory.Create(new ClickHouseOptions()), time, NullLogger<CallRouter>.Instance);
}
