using System.Reflection;
using NetArchTest.Rules;

namespace CustomerLab.Tests.Architecture;

/// <summary>
/// The edge's top-level folders (one namespace each, <c>CustomerLab.Edge.{Folder}</c>) form no cycle: a feature can be
/// read, changed and tested from its own folder and the ones below it. The dependencies are read from the compiled IL.
/// </summary>
public sealed class FolderCycleTests
{
    private const string Root = "CustomerLab.Edge.";
    private static readonly Assembly Edge = typeof(CustomerLab.Edge.Hosting.EdgeHost).Assembly;

    // Read once: each Types.InAssembly call loads and walks the whole assembly again.
    private static readonly Types EdgeTypes = Types.InAssembly(Edge);

    /// <summary>Every top-level folder, from the namespaces of the edge's types.</summary>
    private static string[] Folders() =>
    [
        .. Edge.GetTypes()
            .Select(t => FolderOf(t.Namespace))
            .OfType<string>()
            .Distinct()
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>folder → the folders its types use: one query per used folder, grouping its users by their folder.</summary>
    private static Dictionary<string, List<string>> Dependencies(string[] folders)
    {
        var graph = folders.ToDictionary(f => f, _ => new List<string>());
        foreach (var to in folders)
        {
            var users = EdgeTypes.That().HaveDependencyOn(Root + to).GetTypes()
                .Select(t => FolderOf(t.Namespace))
                .Where(from => from is not null && from != to && graph.ContainsKey(from))
                .Distinct();
            foreach (var from in users) graph[from!].Add(to);
        }
        return graph;
    }

    private static string? FolderOf(string? ns) =>
        ns is not null && ns.StartsWith(Root, StringComparison.Ordinal) ? ns[Root.Length..].Split('.')[0] : null;

    [Fact]
    public void TopLevelFolders_FormNoCycle()
    {
        var folders = Folders();
        Assert.Contains("Delivery", folders);
        Assert.Contains("Numbers", folders);
        var graph = Dependencies(folders);
        Assert.Contains("Delivery", graph["Numbers"]); // the reading sees real dependencies, so an empty graph cannot pass

        var cycles = FolderGraph.Cycles(graph);

        Assert.True(cycles.Count == 0, "Folder cycles: " + string.Join("; ", cycles.Select(c => string.Join(" → ", c))));
    }

    [Fact]
    public void CycleFinder_ReportsACycle_IfTwoFoldersUseEachOther()
    {
        var graph = new Dictionary<string, List<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"],
        };
        var cycle = Assert.Single(FolderGraph.Cycles(graph));
        Assert.Equal(["A", "B", "C", "A"], cycle);
    }
}

/// <summary>Cycles in a directed graph: one per strongly connected component of more than one node, as a closed path.</summary>
internal static class FolderGraph
{
    public static List<List<string>> Cycles(IReadOnlyDictionary<string, List<string>> graph)
    {
        var cycles = new List<List<string>>();
        var done = new HashSet<string>();
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (done.Contains(start)) continue;
            if (PathBack(graph, start) is { } cycle)
            {
                cycles.Add(cycle);
                done.UnionWith(cycle);
            }
        }
        return cycles;
    }

    /// <summary>The shortest path from <paramref name="start"/> back to itself (breadth first), or null.</summary>
    private static List<string>? PathBack(IReadOnlyDictionary<string, List<string>> graph, string start)
    {
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>();
        foreach (var next in graph[start]) { if (previous.TryAdd(next, start)) queue.Enqueue(next); }
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (node == start)
            {
                var path = new List<string> { start };
                for (var at = previous[start]; at != start; at = previous[at]) path.Add(at);
                path.Add(start);
                path.Reverse();
                return path;
            }
            foreach (var next in graph.GetValueOrDefault(node, []))
                if (previous.TryAdd(next, node)) queue.Enqueue(next);
        }
        return null;
    }
}
