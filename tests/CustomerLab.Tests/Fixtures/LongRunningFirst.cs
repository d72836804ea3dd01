using System.Reflection;
using CustomerLab.Tests.Fixtures;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LongRunningFirst))]

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// Marks a test class (or a collection definition) whose tests take long together: a property test, a browser
/// walk-through, a kill-and-restart series. Its collection starts first, so the run does not end with one long class
/// working alone on two cores.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LongRunningAttribute : Attribute;

/// <summary>
/// Starts the [LongRunning] collections first, the classic way to shorten a parallel run (each class is one collection
/// and runs its tests one after another). xunit v3 queues every collection with <c>Task.Run</c> from one thread-pool
/// thread, in the order given here, and their tests then wait for a turn in the order those tasks begin. That thread
/// takes its own queue from the end, while idle pool threads take from the front, at rates that vary from run to run;
/// so the long collections go to both ends of the list, alternately, and the short ones in between.
/// </summary>
public sealed class LongRunningFirst : ITestCollectionOrderer
{
    private const string DefaultCollectionPrefix = "Test collection for ";

    private static readonly HashSet<string> LongRunningClasses = typeof(LongRunningFirst).Assembly.GetTypes()
        .Where(type => type.GetCustomAttribute<LongRunningAttribute>() is not null)
        .Select(type => type.FullName!)
        .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection
    {
        var byLength = testCollections.ToLookup(c => IsLongRunning(c));
        var longRunning = byLength[true].ToList();
        return [.. longRunning.Where((_, i) => i % 2 == 0), .. byLength[false], .. longRunning.Where((_, i) => i % 2 == 1).Reverse()];
    }

    /// <summary>A named collection by its definition class; a class's own collection by the class its name gives.</summary>
    private static bool IsLongRunning(ITestCollection collection)
    {
        if (collection.TestCollectionClassName is { } definition) return LongRunningClasses.Contains(definition);
        var name = collection.TestCollectionDisplayName;
        return name.StartsWith(DefaultCollectionPrefix, StringComparison.Ordinal)
               && LongRunningClasses.Contains(name[DefaultCollectionPrefix.Length..].Split(' ')[0]);
    }
}
