using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Redis;
using StackExchange.Redis;

namespace CustomerLab.Edge.Numbers;

/// <summary>What a site uses a claimed number for. A number has one kind at a time.</summary>
public enum ClaimKind
{
    /// <summary>A tracking number in one pool: exclusive, one holder (the pool).</summary>
    Pool,
    /// <summary>A pool's overflow number: never leased, so pools of the same site may share it; never two sites.</summary>
    Overflow,
    /// <summary>A forward-to number (the business's own line): shared by holders of the same site, never another site's tracking number.</summary>
    Forward,
}

/// <summary>Who holds a number's claim, when a claim is refused.</summary>
public sealed record ClaimOwner(string SiteKey, ClaimKind Kind, IReadOnlyList<string> Holders);

/// <summary>
/// One claim per phone number, so that a number serves one site only: a tracking number sits in one pool, an overflow
/// number is shared by pools of one site at most, and a number is never a tracking number in one place and an overflow
/// (or forward-to) number in another. The claim is the compare-and-set that every admin write of a number goes through
/// first; pool keys carry the site's hash tag, so no single script could check a number across sites on Redis Cluster.
///
/// Key: <c>cl:claim:{E.164}</c>, a HASH with its own hash tag (the number), so each claim is one slot and one atomic
/// script: <c>site</c> → site key, <c>kind</c> → <c>pool</c> | <c>overflow</c> | <c>forward</c>, and one field
/// <c>h:HOLDER</c> per holder (a pool id, or any name the caller uses, e.g. <c>site</c> for a site-level forward-to
/// number). A <c>pool</c> claim has exactly one holder; the other kinds may have several of the same site.
/// </summary>
public sealed class NumberClaims(IConnectionMultiplexer redis)
{
    /// <summary>See the header of <c>Numbers/Lua/claim-number.lua</c>.</summary>
    private static readonly string ClaimScript = EmbeddedFile.Read("Numbers/Lua/claim-number.lua");

    /// <summary>See the header of <c>Numbers/Lua/release-claim.lua</c>.</summary>
    private static readonly string ReleaseScript = EmbeddedFile.Read("Numbers/Lua/release-claim.lua");

    private static readonly RedisScript Claim = new(ClaimScript);
    private static readonly RedisScript Release = new(ReleaseScript);

    /// <summary>The claim scripts, for the start-up warm-up.</summary>
    internal static readonly RedisScript[] Scripts = [Claim, Release];

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The claim key of a number: its own hash tag, so it lives on one slot whatever site claims it.</summary>
    public static RedisKey KeyFor(string e164) => $"cl:claim:{{{e164}}}";

    public static string KindName(ClaimKind kind) => kind switch
    {
        ClaimKind.Pool => "pool",
        ClaimKind.Overflow => "overflow",
        _ => "forward",
    };

    private static ClaimKind ParseKind(string name) => name switch
    {
        "pool" => ClaimKind.Pool,
        "overflow" => ClaimKind.Overflow,
        _ => ClaimKind.Forward,
    };

    /// <summary>
    /// Claims the number for the site's holder. Returns (true, wasNew) when the site may use it (wasNew: this call made
    /// the claim or added the holder, so a caller that fails later must release it), or (false, owner) when it is taken.
    /// </summary>
    public async Task<ClaimResult> TryClaimAsync(string e164, string siteKey, ClaimKind kind, string holder)
    {
        var raw = (RedisResult[])(await Claim.EvaluateAsync(Db, [KeyFor(e164)], [siteKey, KindName(kind), holder]))!;
        var status = (int)raw[0];
        if (status != 0) return new ClaimResult(true, status == 1, null);
        var holders = new List<string>(raw.Length - 3);
        for (var i = 3; i < raw.Length; i++) holders.Add((string)raw[i]!);
        return new ClaimResult(false, false, new ClaimOwner((string)raw[1]!, ParseKind((string)raw[2]!), holders));
    }

    /// <summary>Releases the holder's claim; true when it held it.</summary>
    public async Task<bool> ReleaseAsync(string e164, string siteKey, ClaimKind kind, string holder) =>
        (int)await Release.EvaluateAsync(Db, [KeyFor(e164)], [siteKey, KindName(kind), holder]) == 1;

    /// <summary>The current owner of a number's claim, or null.</summary>
    public async Task<ClaimOwner?> FindAsync(string e164)
    {
        var entries = await Db.HashGetAllAsync(KeyFor(e164));
        string? site = null, kind = null;
        var holders = new List<string>();
        foreach (var e in entries)
        {
            var name = (string)e.Name!;
            if (name == "site") site = e.Value;
            else if (name == "kind") kind = e.Value;
            else if (name.StartsWith("h:", StringComparison.Ordinal)) holders.Add(name[2..]);
        }
        return site is null || kind is null ? null : new ClaimOwner(site, ParseKind(kind), holders);
    }
}

/// <summary>The answer of <see cref="NumberClaims.TryClaimAsync"/>.</summary>
/// <param name="Claimed">The site may use the number as asked.</param>
/// <param name="IsNew">This call created the claim or added its holder (release it if what follows fails).</param>
/// <param name="Owner">Who holds it, when refused.</param>
public sealed record ClaimResult(bool Claimed, bool IsNew, ClaimOwner? Owner);
