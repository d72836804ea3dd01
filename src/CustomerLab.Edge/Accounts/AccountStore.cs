using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// Report users in Redis (<c>cl:accounts</c>: user name → password hash; <c>cl:accounts:sites</c>: user name → the
/// site keys they may read, comma-separated, or <c>*</c> for every site). Hashes are ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> format (PBKDF2-HMAC-SHA512, 100,000 iterations, random salt); passwords are
/// never stored. Users are created with the CLI: <c>dotnet CustomerLab.Edge.dll users add NAME</c>.
/// </summary>
/// <param name="hasher">The hasher that checks sign-ins (the edge registers Identity's; null: the same, unshared).</param>
public sealed class AccountStore(IConnectionMultiplexer redis, IPasswordHasher<string>? hasher = null)
{
    private static readonly RedisKey Key = "cl:accounts";
    private static readonly PasswordHasher<string> Hasher = new();
    private readonly IPasswordHasher<string> _verifier = hasher ?? Hasher;

    /// <summary>Shortest accepted password, in characters.</summary>
    public const int MinPasswordLength = 12;

    public static bool IsValidName(string? name) =>
        name is { Length: >= 2 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    /// <summary>Creates or replaces the user's password.</summary>
    public Task SetAsync(string name, string password) =>
        redis.GetDatabase().HashSetAsync(Key, name, Hasher.HashPassword(name, password));

    public async Task<bool> RemoveAsync(string name)
    {
        var removed = await redis.GetDatabase().HashDeleteAsync(Key, name);
        await redis.GetDatabase().HashDeleteAsync(SitesKey, name);
        return removed;
    }

    private static readonly RedisKey SitesKey = "cl:accounts:sites";

    /// <summary>Replaces the sites the user may read (<see cref="SiteAccess.All"/>: every site).</summary>
    public Task SetSitesAsync(string name, SiteAccess access) => redis.GetDatabase().HashSetAsync(SitesKey, name, access.ToString());

    /// <summary>The sites the user may read; a user without a list may read none (fail closed).</summary>
    public async Task<SiteAccess> GetSitesAsync(string name) => SiteAccess.Parse(await redis.GetDatabase().HashGetAsync(SitesKey, name));

    /// <summary>Every user and the sites they may read, by name.</summary>
    public async Task<IReadOnlyList<(string Name, SiteAccess Sites)>> ListAsync()
    {
        var db = redis.GetDatabase();
        var names = await db.HashKeysAsync(Key);
        var sites = await db.HashGetAsync(SitesKey, names);
        return names.Select((n, i) => ((string)n!, SiteAccess.Parse(sites[i]))).OrderBy(u => u.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>True when the user exists and the password matches (compared by the hasher in constant time).</summary>
    public async Task<bool> VerifyAsync(string name, string password) => Verify(name, await FindHashAsync(name), password);

    /// <summary>The user's stored hash, or null for an unknown user.</summary>
    public async Task<string?> FindHashAsync(string name) => await redis.GetDatabase().HashGetAsync(Key, name);

    /// <summary>The CPU-heavy half of a sign-in: true when <paramref name="hash"/> (null: unknown user) matches.</summary>
    public bool Verify(string name, string? hash, string password)
    {
        if (hash is null)
        {
            // Spend the same work for an unknown user, so timing does not tell which names exist.
            _verifier.VerifyHashedPassword(name, DummyHash, password);
            return false;
        }
        return _verifier.VerifyHashedPassword(name, hash, password) != PasswordVerificationResult.Failed;
    }

    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());
}
