using CustomerLab.Edge.Numbers;

namespace CustomerLab.Tests.Numbers;

/// <summary>The recommended pool size: concurrency with headroom, plus the numbers released in one grace window.</summary>
public sealed class PoolSizingTests
{
    [Theory]
    [InlineData(0, 30, 10, 1)]     // no demand yet: at least one number
    [InlineData(10, 30, 0, 12)]    // no grace window: peak × 1.2
    [InlineData(10, 30, 10, 16)]   // the defaults: 12 + 10 × 10 ÷ 30 = 15.33
    [InlineData(100, 1, 1, 220)]   // the load test's model: a grace as long as the hold doubles what is released
    [InlineData(150, 60, 10, 205)] // 180 + 25
    public void RecommendedSize_AddsWhatOneGraceWindowReleasesAtThePeak(long peak, int holdMinutes, int graceMinutes, int expected) =>
        Assert.Equal(expected, new PoolSizing(TimeSpan.FromMinutes(graceMinutes)).RecommendedSize(peak, TimeSpan.FromMinutes(holdMinutes)));
}
