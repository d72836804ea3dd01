namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// One test edge on the shared Garnet and the local ClickHouse host, with its own database and settings, started with
/// the fixture; tests keep apart by site key.
/// </summary>
public abstract class GarnetEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse, string database, IDictionary<string, string?> settings)
    : IAsyncLifetime
{
    public EdgeApplication Edge { get; } = new(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(database), settings);

    public ClickHouseHostFixture ClickHouse => clickHouse;

    public string RedisUrl => garnet.Url;

    public ValueTask InitializeAsync()
    {
        _ = Edge.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Edge.DisposeAsync();
}
