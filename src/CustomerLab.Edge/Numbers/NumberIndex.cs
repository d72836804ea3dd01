using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>Which site and pool a phone number belongs to, for call webhooks (which know only the number called).</summary>
/// <param name="IsOverflow">The number is a pool's overflow number (shared by every session the pool could not serve).</param>
public sealed record NumberOwner(string SiteKey, string PoolId, bool IsOverflow);

/// <summary>
/// A Redis hash <c>cl:numbers</c>: E.164 → <c>site|pool[|overflow]</c>, kept by the admin API. Retired numbers stay in
/// it, so a late call to a retired number still finds its site.
/// </summary>
public sealed class NumberIndex(IConnectionMultiplexer redis)
{
    private static readonly RedisKey Key = "cl:numbers";

    public Task AddAsync(string siteKey, string poolId, IEnumerable<string> numbers) =>
        redis.GetDatabase().HashSetAsync(Key, numbers.Select(n => new HashEntry(n, $"{siteKey}|{poolId}")).ToArray());

    public Task AddOverflowAsync(string siteKey, string poolId, string number) =>
        redis.GetDatabase().HashSetAsync(Key, number, $"{siteKey}|{poolId}|overflow");

    public async Task<NumberOwner?> FindAsync(string e164)
    {
        var value = await redis.GetDatabase().HashGetAsync(Key, e164);
        return value.IsNull ? null : Parse(value!);
    }

    /// <summary>Every indexed number with its owner (the call routing table is built from it).</summary>
    public async Task<IReadOnlyList<(string Number, NumberOwner Owner)>> AllAsync() =>
        (await redis.GetDatabase().HashGetAllAsync(Key)).Select(e => ((string)e.Name!, Parse(e.Value!))).ToList();

    private static NumberOwner Parse(string value)
    {
        var parts = value.Split('|');
        return new NumberOwner(parts[0], parts[1], parts.Length > 2);
    }
}
