using System.Collections.Concurrent;
using System.Globalization;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Redis;
using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Each site's lease generation: a value in Redis (<c>cl:{site}:lease-gen</c>) that moves forward whenever a lease
/// ends before its expiry (a release: opt-out, a deletion request) or Redis lost leases (the hold-back after a
/// restore). A lease cookie names the generation it was written under, and the edge acknowledges a renewal from the
/// cookie alone only while that is still the site's generation (<see cref="SignedRenewals"/>). Every bump is published
/// on <see cref="Channel"/>; this edge keeps the generations it heard or read, and forgets them all whenever its
/// subscription may have missed a message (the connection failed or came back), so it then asks Redis again.
/// </summary>
public sealed class LeaseGenerations : IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("cl:lease-generations");
    private static readonly RedisScript BumpScript = new(EmbeddedFile.Read("Numbers/Lua/bump-lease-generation.lua"));

    private readonly IConnectionMultiplexer _redis;
    private readonly ConcurrentDictionary<string, long> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reading = new(StringComparer.Ordinal);
    // Bumped whenever the known generations are forgotten: a read that started before must not bring one back.
    private long _epoch;
    private volatile bool _listening;
    private volatile bool _subscribed;

    public LeaseGenerations(IConnectionMultiplexer redis)
    {
        _redis = redis;
        _redis.ConnectionFailed += (_, _) => Forget(listening: false);
        _redis.ConnectionRestored += (_, _) =>
        {
            Forget(listening: _subscribed);
            if (!_subscribed) _ = SubscribeAsync();
        };
    }

    internal static RedisKey Key(string siteKey) => $"cl:{{{siteKey}}}:lease-gen";

    /// <summary>Moves the site's generation forward and tells every edge; returns the new generation.</summary>
    public static async Task<long> BumpAsync(IDatabase db, string siteKey, DateTimeOffset now)
    {
        var generation = (long)await BumpScript.EvaluateAsync(db, [Key(siteKey)], [now.ToUnixTimeMilliseconds()]);
        await db.PublishAsync(Channel, string.Concat(siteKey, " ", generation.ToString(CultureInfo.InvariantCulture)));
        return generation;
    }

    /// <summary>The site's generation as this edge knows it for sure, or null (not read yet, or possibly stale).</summary>
    public long? Known(string siteKey) => _listening && _known.TryGetValue(siteKey, out var g) ? g : null;

    /// <summary>
    /// The site's generation when this edge knows it for sure; otherwise null, and it is read from Redis in the
    /// background (one read per site at a time), so no request waits for it.
    /// </summary>
    public long? KnownOrLearn(string siteKey)
    {
        if (Known(siteKey) is { } known) return known;
        if (_listening && _reading.TryAdd(siteKey, 0)) _ = ReadAsync(siteKey);
        return null;
    }

    private async Task ReadAsync(string siteKey)
    {
        try
        {
            var epoch = Interlocked.Read(ref _epoch);
            var value = await _redis.GetDatabase().StringGetAsync(Key(siteKey));
            if (Interlocked.Read(ref _epoch) == epoch) Learn(siteKey, value.IsNull ? 0 : (long)value);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException) { }
        finally { _reading.TryRemove(siteKey, out _); }
    }

    private void Learn(string siteKey, long generation) =>
        _known.AddOrUpdate(siteKey, generation, (_, old) => Math.Max(old, generation));

    private void Forget(bool listening)
    {
        Interlocked.Increment(ref _epoch);
        _listening = false;
        _known.Clear();
        _listening = listening;
    }

    /// <summary>Subscribes in the background: an edge starts while Redis is down, and listens once it is back.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = SubscribeAsync();
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
            {
                var text = (string?)message;
                var space = text?.IndexOf(' ') ?? -1;
                if (space > 0 && long.TryParse(text.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
                    Learn(text![..space], generation);
            });
            _subscribed = true;
            Forget(listening: true);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Tried again when the connection comes back (ConnectionRestored).
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(Channel);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is gone or its socket is closing: a subscription on a dead connection ends with it, and shutting
            // the edge down must not fail because of it.
        }
    }
}
