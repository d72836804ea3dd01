using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// Report users in Redis (<c>cl:accounts</c>: user name → password hash). Hashes are ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> format (PBKDF2-HMAC-SHA512, 100,000 iterations, random salt); passwords are
/// never stored. Users are created with the CLI: <c>dotnet CustomerLab.Edge.dll users add NAME</c>.
/// </summary>
public sealed class AccountStore(IConnectionMultiplexer redis)
{
    private static readonly RedisKey Key = "cl:accounts";
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>Shortest accepted password, in characters.</summary>
    public const int MinPasswordLength = 12;

    public static bool IsValidName(string? name) =>
        name is { Length: >= 2 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    /// <summary>Creates or replaces the user's password.</summary>
    public Task SetAsync(string name, string password) =>
        redis.GetDatabase().HashSetAsync(Key, name, Hasher.HashPassword(name, password));

    public Task<bool> RemoveAsync(string name) => redis.GetDatabase().HashDeleteAsync(Key, name);

    /// <summary>True when the user exists and the password matches (compared by the hasher in constant time).</summary>
    public async Task<bool> VerifyAsync(string name, string password)
    {
        var hash = await redis.GetDatabase().HashGetAsync(Key, name);
        if (hash.IsNull)
        {
            // Spend the same work for an unknown user, so timing does not tell which names exist.
            Hasher.VerifyHashedPassword(name, DummyHash, password);
            return false;
        }
        return Hasher.VerifyHashedPassword(name, (string)hash!, password) != PasswordVerificationResult.Failed;
    }

    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());
}
