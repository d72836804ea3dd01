using System.Collections.Concurrent;
using StackExchange.Redis;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// The field names of a site's forms sent with GET (<c>cl:{site}:getfields</c>, a Redis set the tag's leads fill):
/// such a form puts what was typed into the next page's URL, so the edge takes those parameters out of every URL it
/// stores for the site (<c>pageviews.url</c>, referrers, a conversion's page). Each edge keeps a copy per site for
/// <see cref="RefreshAfter"/>; when Redis does not answer, the last copy is used.
/// </summary>
internal sealed class FormFieldNames(IConnectionMultiplexer redis, TimeProvider time)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (HashSet<string> Names, long FetchedAt)> _cache = new(StringComparer.Ordinal);

    private static RedisKey Key(string siteKey) => $"cl:{{{siteKey}}}:getfields";

    public async Task AddAsync(string siteKey, IReadOnlyCollection<string> names)
    {
        await redis.GetDatabase().SetAddAsync(Key(siteKey), [.. names.Select(n => (RedisValue)n)]);
        var copy = _cache.TryGetValue(siteKey, out var cached) ? new HashSet<string>(cached.Names, StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
        copy.UnionWith(names);
        _cache[siteKey] = (copy, cached.Names is null ? 0 : cached.FetchedAt);
    }

    /// <summary>The names to strip for the site (empty for most sites).</summary>
    public async ValueTask<IReadOnlySet<string>> GetAsync(string siteKey, TimeSpan redisTimeout)
    {
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(siteKey, out var cached) && time.GetElapsedTime(cached.FetchedAt, now) < RefreshAfter) return cached.Names;
        try
        {
            var members = await redis.GetDatabase().SetMembersAsync(Key(siteKey)).WaitAsync(redisTimeout);
            var names = new HashSet<string>(members.Select(m => (string)m!), StringComparer.Ordinal);
            _cache[siteKey] = (names, now);
            return names;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return cached.Names ?? (IReadOnlySet<string>)new HashSet<string>();
        }
    }

    /// <summary>The URL without the query parameters named in <paramref name="names"/> (the rest, and the fragment, as they were).</summary>
    public static Uri Strip(Uri url, IEnumerable<string> names)
    {
        var set = names as IReadOnlySet<string> ?? new HashSet<string>(names, StringComparer.Ordinal);
        if (set.Count == 0 || url.Query.Length <= 1) return url;
        var kept = new List<string>();
        var removed = false;
        foreach (var pair in url.Query[1..].Split('&'))
        {
            var name = pair.Split('=', 2)[0];
            string decoded;
            try { decoded = Uri.UnescapeDataString(name.Replace('+', ' ')); } catch (UriFormatException) { decoded = name; }
            if (set.Contains(decoded)) removed = true;
            else kept.Add(pair);
        }
        if (!removed) return url;
        return new Uri(url.GetLeftPart(UriPartial.Path) + (kept.Count > 0 ? "?" + string.Join('&', kept) : "") + url.Fragment);
    }
}
