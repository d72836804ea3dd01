using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// <see cref="TagBrowserFixture"/> on the world's Development edge (<see cref="BrowserWorld.DevelopmentEdgeAsync"/>), the
/// environment <c>./run.sh</c> starts: the demo page's test call and its endpoint exist there.
/// </summary>
public sealed class DevelopmentBrowserFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse, BrowserWorld world)
    : TagBrowserFixture(garnet, clickHouse, world)
{
    protected override Task<(EdgeApplication Edge, int Port)> StartEdgeAsync(BrowserWorld world, GarnetFixture garnet, ClickHouseHostFixture clickHouse) =>
        world.DevelopmentEdgeAsync(garnet, clickHouse);
}
