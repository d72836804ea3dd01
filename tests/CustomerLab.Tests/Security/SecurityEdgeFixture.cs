using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Security;

/// <summary>
/// One test edge on Garnet and the local ClickHouse host for the security tests: cookie keys mid-rotation
/// (a new key first, the usual test key still verifying), a site-scoped admin key beside the global test key.
/// Tests keep apart by site key.
/// </summary>
public sealed class SecurityEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    protected override string DatabaseName => "security";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cookies:SigningKeys:0"] = NewSigningKey,
        ["Admin:Keys:0:Sha256"] = TestSites.Sha256Hex(ScopedAdminKey),
        ["Admin:Keys:0:Site"] = ScopedSite,
        ["Admin:Keys:1:Sha256"] = TestSites.Sha256Hex(GlobalKeysEntry),
    };

    /// <summary>The key that now signs; <see cref="EdgeApplication.CookieSigningKey"/> only verifies.</summary>
    public const string NewSigningKey = "rotated-signing-key-abcdefghijklmnopqrstuvwxyz0123";

    /// <summary>An admin key limited to the site <see cref="ScopedSite"/>.</summary>
    public const string ScopedAdminKey = "scoped-admin-key-for-one-site", ScopedSite = "scopedsite";

    /// <summary>A second global key configured through <c>Admin:Keys</c> (no site).</summary>
    public const string GlobalKeysEntry = "global-admin-key-from-keys-list";
}
