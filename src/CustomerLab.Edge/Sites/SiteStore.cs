using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerLab.Edge.Redis;
using StackExchange.Redis;

namespace CustomerLab.Edge.Sites;

/// <summary>
/// Site configuration in Redis (<c>cl:{site}:config</c>, JSON; <c>cl:sites</c> lists the keys), with an
/// in-memory copy per edge refreshed every <see cref="RefreshAfter"/>. When Redis does not answer, the last
/// copy keeps serving, so <c>/v1/number</c> can still give a site's default number.
/// </summary>
public sealed partial class SiteStore(IConnectionMultiplexer redis, TimeProvider time, ILogger<SiteStore> logger)
{
    /// <summary>How old an in-memory copy may get before it is read again: 10 s (admin changes reach every edge within it).</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(10);

    private static readonly RedisKey SitesIndex = "cl:sites";

    private readonly ConcurrentDictionary<string, (SiteConfig Config, long FetchedAt)> _cache = new(StringComparer.Ordinal);

    private IDatabase Db => redis.GetDatabase();

    internal static RedisKey ConfigKey(string siteKey) => $"cl:{{{siteKey}}}:config";

    /// <summary>The site, or null when no such site exists. Throws <see cref="SiteStoreUnavailableException"/> when Redis is down and no copy is held.</summary>
    public async ValueTask<SiteConfig?> GetAsync(string siteKey, TimeSpan? redisTimeout = null)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(siteKey, out var cached) && time.GetElapsedTime(cached.FetchedAt, now) < RefreshAfter)
            return cached.Config;
        try
        {
            var read = Db.StringGetAsync(ConfigKey(siteKey));
            var json = redisTimeout is { } t ? await read.WaitAsync(t) : await read;
            if (json.IsNull)
            {
                _cache.TryRemove(siteKey, out _);
                return null;
            }
            var config = JsonSerializer.Deserialize((byte[])json!, SiteJson.Default.SiteConfig)!;
            _cache[siteKey] = (config, now);
            return config;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (cached.Config is not null)
            {
                LogServingStale(logger, siteKey, ex.Message);
                return cached.Config;
            }
            throw new SiteStoreUnavailableException(siteKey, ex);
        }
    }

    /// <summary>Most attempts of one update when other edges keep changing the same site.</summary>
    private const int MaxUpdateAttempts = 10;

    /// <summary>
    /// Changes a site from its current state in Redis, never from this edge's cached copy, and stores the result only
    /// if no other edge changed the site in between (else reads again and retries): two admins adding pools through
    /// two edges both keep their pool. <paramref name="change"/> gets null for a new site and returns the new state, or
    /// null to store nothing (the returned value is then null).
    /// </summary>
    public async Task<SiteConfig?> UpdateAsync(string siteKey, Func<SiteConfig?, SiteConfig?> change)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var before = await Db.StringGetAsync(ConfigKey(siteKey));
            var current = before.IsNull ? null : JsonSerializer.Deserialize((byte[])before!, SiteJson.Default.SiteConfig);
            if (change(current) is not { } updated) return null;
            var json = JsonSerializer.Serialize(updated, SiteJson.Default.SiteConfig);
            var stored = (int)await RedisScript.CompareAndSet.EvaluateAsync(Db, [ConfigKey(siteKey)], [before.IsNull ? "" : before, json]);
            if (stored == 1)
            {
                await Db.SetAddAsync(SitesIndex, siteKey);
                _cache[siteKey] = (updated, time.GetTimestamp());
                return updated;
            }
        }
        throw new RedisException($"Site '{siteKey}' kept changing under {MaxUpdateAttempts} attempts to update it.");
    }

    /// <summary>The site as Redis has it now, bypassing this edge's copy (which it then replaces).</summary>
    public async Task<SiteConfig?> GetFreshAsync(string siteKey)
    {
        var json = await Db.StringGetAsync(ConfigKey(siteKey));
        if (json.IsNull) return null;
        var config = JsonSerializer.Deserialize((byte[])json!, SiteJson.Default.SiteConfig)!;
        _cache[siteKey] = (config, time.GetTimestamp());
        return config;
    }

    /// <summary>Removes the site's configuration and its listing (its pools' keys are the caller's to retire).</summary>
    public async Task DeleteAsync(string siteKey)
    {
        await Db.KeyDeleteAsync(ConfigKey(siteKey));
        await Db.SetRemoveAsync(SitesIndex, siteKey);
        _cache.TryRemove(siteKey, out _);
    }

    /// <summary>Every site key, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListAsync() =>
        (await Db.SetMembersAsync(SitesIndex)).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    [LoggerMessage(3001, LogLevel.Warning, "Redis did not answer for site {SiteKey}; serving the last known configuration: {Error}", EventName = "SiteConfigStale")]
    private static partial void LogServingStale(ILogger logger, string siteKey, string error);
}

/// <summary>Redis is unreachable and this edge holds no copy of the site.</summary>
public sealed class SiteStoreUnavailableException(string siteKey, Exception inner)
    : Exception($"Site '{siteKey}' cannot be read: Redis is unreachable.", inner);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SiteConfig))]
internal sealed partial class SiteJson : JsonSerializerContext;
