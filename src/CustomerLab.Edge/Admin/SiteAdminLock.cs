using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Redis;
using StackExchange.Redis;

namespace CustomerLab.Edge.Admin;

/// <summary>
/// Serialises the number-changing admin operations of one site across edges (<c>cl:{site}:admin-lock</c>, a token with
/// a time to live), so that an add and a retire of the same number cannot interleave their claim and pool steps. Admin
/// writes are rare; leases never take it.
/// </summary>
public sealed class SiteAdminLock(IConnectionMultiplexer redis)
{
    /// <summary>How long a lock lives if its edge dies holding it: 10 s.</summary>
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    /// <summary>Pause between attempts while another edge holds the lock: 10 ms.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(10);

    /// <summary>See the header of <c>Admin/Lua/unlock.lua</c>.</summary>
    private static readonly string UnlockScript = EmbeddedFile.Read("Admin/Lua/unlock.lua");

    private static readonly RedisScript Unlock = new(UnlockScript);

    public static RedisKey KeyFor(string siteKey) => $"cl:{{{siteKey}}}:admin-lock";

    /// <summary>Takes the site's lock, waiting up to <paramref name="wait"/>; null when another edge kept it that long.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(string siteKey, TimeSpan wait)
    {
        var key = KeyFor(siteKey);
        var token = Guid.NewGuid().ToString("N");
        var db = redis.GetDatabase();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (await db.StringSetAsync(key, token, Expiry, When.NotExists)) return new Held(db, key, token);
            if (DateTime.UtcNow >= deadline) return null;
            await Task.Delay(RetryPause);
        }
    }

    private sealed class Held(IDatabase db, RedisKey key, string token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Unlock.EvaluateAsync(db, [key], [token]);
    }
}
