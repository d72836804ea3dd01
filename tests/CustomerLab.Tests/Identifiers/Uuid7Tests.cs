using CustomerLab.Edge.Identifiers;

namespace CustomerLab.Tests.Identifiers;

/// <summary>Lease and event ids: RFC 9562 version 7 UUIDs, laid out as the runtime's own, unique, ordered by time.</summary>
public sealed class Uuid7Tests
{
    [Fact]
    public void LayoutMatchesTheRuntimesVersion7_TimestampVersionAndVariant()
    {
        var at = new DateTimeOffset(2026, 11, 29, 15, 45, 12, 345, TimeSpan.Zero);
        var ours = Uuid7.Create(at);
        var runtimes = Guid.CreateVersion7(at);

        Assert.Equal(7, ours.Version);
        // Guid.Variant is the top nibble of the clock-sequence byte: RFC 9562's variant is its top two bits, 10.
        Assert.Equal(0b1000, runtimes.Variant & 0b1100);
        Assert.Equal(0b1000, ours.Variant & 0b1100);
        // The first 48 bits are the Unix milliseconds, big-endian: the same as the runtime's for the same instant.
        Assert.Equal(runtimes.ToString()[..13], ours.ToString()[..13]);
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(ours.ToString("N")[..12], 16));
    }

    [Fact]
    public void HundredThousandIds_AreDistinct_AndSortByTheirTimestamps()
    {
        var start = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 100_000).Select(i => (Ms: i / 10, Id: Uuid7.Create(start.AddMilliseconds(i / 10)))).ToList();

        Assert.Equal(ids.Count, ids.Select(x => x.Id).Distinct().Count());
        Assert.All(ids, x => Assert.Equal((7, 0b1000), (x.Id.Version, x.Id.Variant & 0b1100)));
        // Ordered as strings (ClickHouse orders UUIDs the same way within a millisecond's prefix): each millisecond's
        // ids sort before the next millisecond's.
        var sorted = ids.OrderBy(x => x.Id.ToString(), StringComparer.Ordinal).Select(x => x.Ms).ToList();
        Assert.Equal(ids.Select(x => x.Ms).Order(), sorted);
    }
}
