using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// The general-purpose test edge on Garnet and the local ClickHouse host with the test defaults, one for the whole run:
/// every class using this fixture shares it (<see cref="SharedEdges"/>) and keeps apart by site key.
/// </summary>
public sealed class NumbersEdgeFixture(SharedEdges shared, GarnetFixture garnet, ClickHouseHostFixture clickHouse)
    : GarnetEdgeFixture(garnet, clickHouse, shared)
{
    protected override string DatabaseName => "numbersapi";

    /// <summary>
    /// Valid US numbers in the 555-01NN blocks (reserved for fiction). With <paramref name="first"/>: +1 202-555-01NN
    /// from that index. Without: a block no other call in this test run gets, since every test edge shares one Redis
    /// and its number index (a number added to a second site moves there, and calls to it are attributed there).
    /// </summary>
    public static string[] Numbers(int count, int? first = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 100);
        if (first is { } start) return Enumerable.Range(start, count).Select(i => $"+1202555{i:D4}").ToArray();
        int block;
        while (true)
        {
            var next = Volatile.Read(ref _nextUnique);
            // A block never crosses into the next area code: one that would starts at the next hundred instead.
            block = next % 100 + count > 100 ? (next / 100 + 1) * 100 : next;
            if (Interlocked.CompareExchange(ref _nextUnique, block + count, next) == next) break;
        }
        var area = UniqueAreaCodes[block / 100 % UniqueAreaCodes.Length];
        return Enumerable.Range(100 + block % 100, count).Select(i => $"+1{area}555{i:D4}").ToArray();
    }

    /// <summary>Area codes no test writes by hand (those use 202, 312 and 617).</summary>
    private static readonly string[] UniqueAreaCodes =
        ["415", "212", "305", "713", "206", "303", "404", "503", "614", "702", "480", "512", "602", "718", "786", "813", "901", "916", "952", "971"];
    private static int _nextUnique;
}
