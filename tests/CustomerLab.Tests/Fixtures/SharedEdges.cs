using System.Collections.Concurrent;
using CustomerLab.Tests.Fixtures;

[assembly: AssemblyFixture(typeof(SharedEdges))]

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// Test edges shared by every class whose fixture asks for one (<see cref="GarnetEdgeFixture.SharedAcrossClasses"/>):
/// one edge and one database per fixture type for the whole run, started by the first class that needs it and stopped
/// when the run ends. Each edge start migrates two databases, which is most of what a class fixture costs the shared
/// ClickHouse host. Tests on a shared edge keep apart by site key, as tests within one class always have.
/// </summary>
public sealed class SharedEdges : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Type, Lazy<Task<EdgeApplication>>> _edges = new();

    /// <summary>The running edge for <paramref name="fixtureType"/>, built by <paramref name="create"/> the first time.</summary>
    public Task<EdgeApplication> GetAsync(Type fixtureType, Func<EdgeApplication> create, string what) =>
        _edges.GetOrAdd(fixtureType, _ => new Lazy<Task<EdgeApplication>>(() => StartAsync(create(), what))).Value;

    private static async Task<EdgeApplication> StartAsync(EdgeApplication edge, string what)
    {
        using var http = edge.CreateClient();
        await edge.WaitReadyAsync(http, what);
        return edge;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var edge in _edges.Values.Where(lazy => lazy.IsValueCreated).Select(lazy => lazy.Value))
            if (edge.IsCompletedSuccessfully) await edge.Result.DisposeAsync();
    }
}
