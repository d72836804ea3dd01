namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// The one shape of an edge fixture: a test edge on the shared Garnet and the local ClickHouse host, in a database of
/// its own, built from the <c>virtual</c> settings below and ready (schema migrated) before any test runs. Tests keep
/// apart by site key (<see cref="TestSites.NewSiteKey"/>). A fixture built with <see cref="SharedEdges"/> gives every
/// class that uses it the same edge for the whole run.
/// </summary>
public abstract class GarnetEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse, SharedEdges? shared = null) : IAsyncLifetime
{
    private EdgeApplication? _edge;

    /// <summary>The edge, built on first use from <see cref="DatabaseName"/>, <see cref="Settings"/> and <see cref="Clock"/>.</summary>
    public EdgeApplication Edge => _edge ??= SharedAcrossClasses
        ? throw new InvalidOperationException($"{GetType().Name}'s shared edge is started by InitializeAsync")
        : NewEdge();

    /// <summary>Whether every class using this fixture type shares one edge (see <see cref="SharedEdges"/>).</summary>
    public bool SharedAcrossClasses => shared is not null;

    private EdgeApplication NewEdge() => new(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(DatabaseName), Settings)
    {
        Clock = Clock,
        TestServices = TestServices,
    };

    public ClickHouseHostFixture ClickHouse => clickHouse;

    public string RedisUrl => garnet.Url;

    /// <summary>The start of the edge's database name (a unique suffix is added).</summary>
    protected abstract string DatabaseName { get; }

    /// <summary>Settings on top of <see cref="EdgeApplication"/>'s test defaults.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>The edge's clock; null for the real one.</summary>
    protected virtual TimeProvider? Clock => null;

    /// <summary>Services swapped in after the edge's own (a middleware that sets the peer address); null for none.</summary>
    protected virtual Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? TestServices => null;

    public virtual async ValueTask InitializeAsync()
    {
        if (shared is not null)
        {
            _edge = await shared.GetAsync(GetType(), NewEdge, $"the shared {DatabaseName} test edge");
            return;
        }
        using var http = Edge.CreateClient();
        await Edge.WaitReadyAsync(http, $"the {DatabaseName} test edge");
    }

    /// <summary>Stops the edge, unless it is shared: <see cref="SharedEdges"/> stops that one when the run ends.</summary>
    public virtual ValueTask DisposeAsync() => shared is null && _edge is not null ? _edge.DisposeAsync() : ValueTask.CompletedTask;
}
