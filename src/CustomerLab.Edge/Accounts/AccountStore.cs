using CustomerLab.Edge.Record;
using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// Report users in Redis (<c>cl:accounts</c>: user name → password hash; <c>cl:accounts:sites</c>: user name → the
/// site keys they may read, comma-separated, or <c>*</c> for every site; <c>cl:accounts:roles</c>: user name →
/// <c>admin</c> or <c>analyst</c>, none meaning analyst, see <see cref="UserRole"/>). Hashes are ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> format (PBKDF2-HMAC-SHA512, 100,000 iterations, random salt); passwords are
/// never stored. Users are created with the CLI: <c>dotnet CustomerLab.Edge.dll users add NAME</c>.
/// Each change is also written to the durable record (<c>{secrets}.accounts</c>: hash and sites) before it is acknowledged, and Redis is rebuilt
/// from there after a loss.
/// </summary>
/// <param name="hasher">The hasher that checks sign-ins (the edge registers Identity's; null: the same, unshared).</param>
/// <param name="record">The durable record (null: Redis only, for tests of sign-in alone).</param>
public sealed class AccountStore(IConnectionMultiplexer redis, IPasswordHasher<string>? hasher = null, ConfigRecord? record = null)
{
    private static readonly RedisKey Key = "cl:accounts";
    private static readonly PasswordHasher<string> Hasher = new();
    private readonly IPasswordHasher<string> _verifier = hasher ?? Hasher;

    /// <summary>Shortest accepted password, in characters.</summary>
    public const int MinPasswordLength = 12;

    public static bool IsValidName(string? name) =>
        name is { Length: >= 2 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    /// <summary>Creates or replaces the user's password.</summary>
    public async Task SetAsync(string name, string password)
    {
        await redis.GetDatabase().HashSetAsync(Key, name, Hasher.HashPassword(name, password));
        await RecordAsync(name);
    }

    public async Task<bool> RemoveAsync(string name)
    {
        var removed = await redis.GetDatabase().HashDeleteAsync(Key, name);
        await redis.GetDatabase().HashDeleteAsync(SitesKey, name);
        await redis.GetDatabase().HashDeleteAsync(RolesKey, name);
        await RecordAsync(name);
        return removed;
    }

    private static readonly RedisKey SitesKey = "cl:accounts:sites";
    private static readonly RedisKey RolesKey = "cl:accounts:roles";

    /// <summary>Sets the user's console role.</summary>
    public async Task SetRoleAsync(string name, UserRole role)
    {
        await redis.GetDatabase().HashSetAsync(RolesKey, name, role.Name());
        await RecordAsync(name);
    }

    /// <summary>The user's role and sites (a user without a role is an analyst; without a list, of no site).</summary>
    public async Task<UserAccess> GetAccessAsync(string name)
    {
        var db = redis.GetDatabase();
        var sites = db.HashGetAsync(SitesKey, name);
        var role = db.HashGetAsync(RolesKey, name);
        return new UserAccess(UserRoles.Parse(await role), SiteAccess.Parse(await sites));
    }

    /// <summary>Replaces the sites the user may read (<see cref="SiteAccess.All"/>: every site).</summary>
    public async Task SetSitesAsync(string name, SiteAccess access)
    {
        await redis.GetDatabase().HashSetAsync(SitesKey, name, access.ToString());
        await RecordAsync(name);
    }

    /// <summary>The sites the user may read; a user without a list may read none (fail closed).</summary>
    public async Task<SiteAccess> GetSitesAsync(string name) => SiteAccess.Parse(await redis.GetDatabase().HashGetAsync(SitesKey, name));

    /// <summary>Every user and the sites they may read, by name.</summary>
    public async Task<IReadOnlyList<(string Name, SiteAccess Sites)>> ListAsync() =>
        (await ListAccessAsync()).Select(u => (u.Name, u.Access.Sites)).ToList();

    /// <summary>Every user with their role and sites, by name.</summary>
    public async Task<IReadOnlyList<(string Name, UserAccess Access)>> ListAccessAsync()
    {
        var db = redis.GetDatabase();
        var names = await db.HashKeysAsync(Key);
        var sites = await db.HashGetAsync(SitesKey, names);
        var roles = await db.HashGetAsync(RolesKey, names);
        return names.Select((n, i) => ((string)n!, new UserAccess(UserRoles.Parse(roles[i]), SiteAccess.Parse(sites[i]))))
            .OrderBy(u => u.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes the user as Redis now holds them (hash and sites; a tombstone when gone) to the record.</summary>
    private async Task RecordAsync(string name)
    {
        if (record is null) return;
        var db = redis.GetDatabase();
        var hash = await db.HashGetAsync(Key, name);
        var sites = await db.HashGetAsync(SitesKey, name);
        var role = await db.HashGetAsync(RolesKey, name);
        await record.WriteAccountAsync(name, hash.IsNull ? null : (string)hash!, sites.IsNull ? null : (string)sites!, role.IsNull ? null : (string)role!);
    }

    /// <summary>Puts back every user the record holds and Redis lacks (after Redis lost them); returns how many.</summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        if (record is null) return 0;
        var db = redis.GetDatabase();
        var restored = 0;
        foreach (var account in await record.ReadAccountsAsync(cancellationToken))
        {
            if (!await db.HashSetAsync(Key, account.Name, account.PasswordHash, When.NotExists)) continue;
            if (account.Sites is not null) await db.HashSetAsync(SitesKey, account.Name, account.Sites, When.NotExists);
            if (account.Role is not null) await db.HashSetAsync(RolesKey, account.Name, account.Role, When.NotExists);
            restored++;
        }
        return restored;
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
