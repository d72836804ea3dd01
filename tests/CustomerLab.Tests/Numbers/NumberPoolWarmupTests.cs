using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CustomerLab.Tests.Numbers;

/// <summary>The start-up warm-up runs a whole assignment and renewal, and leaves nothing behind in Redis.</summary>
public sealed class NumberPoolWarmupTests(NumbersEdgeFixture fixture) : IClassFixture<NumbersEdgeFixture>
{
    [Fact]
    public async Task Warmup_AssignsAndRenewsOnAThrowawayPool_AndDeletesItsKeys()
    {
        await Poll.UntilAsync(() => Task.FromResult(fixture.Edge.Logs.Lines.Any(l => l.Contains("Pool scripts loaded", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), "the warm-up", () => fixture.Edge.Logs.Tail("Pool"));
        Assert.DoesNotContain(fixture.Edge.Logs.Lines, l => l.Contains("Pool scripts not preloaded", StringComparison.Ordinal));

        // Every test edge shares this Redis and warms up on the same throwaway keys: wait for the others to finish too.
        var redis = fixture.Edge.Services.GetRequiredService<IConnectionMultiplexer>();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        List<string> left = [];
        await Poll.UntilAsync(async () =>
        {
            left = [];
            await foreach (var key in server.KeysAsync(pattern: "cl:{warm.up}:*")) left.Add(key!);
            return left.Count == 0;
        }, TimeSpan.FromSeconds(30), "no warm-up keys left", () => string.Join(", ", left));
    }
}
