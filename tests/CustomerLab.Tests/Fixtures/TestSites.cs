using System.Security.Cryptography;
using System.Text;

namespace CustomerLab.Tests.Fixtures;

/// <summary>Site keys and admin keys for tests: one helper for each, used by every test class.</summary>
public static class TestSites
{
    /// <summary>A site key unique to one test (tests share Redis and keep apart by site key).</summary>
    public static string NewSiteKey() => "s" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The SHA-256 in hex of an admin key, as <c>Admin:ApiKeySha256</c> and <c>Admin:Keys:N:Sha256</c> hold it.</summary>
    public static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
