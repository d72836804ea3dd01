using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.Options;

namespace CustomerLab.Tests.Security;

/// <summary>Signed id cookies with two active keys: the first signs, both verify; anything else is replaced.</summary>
public sealed class CookieKeyRotationTests(SecurityEdgeFixture fixture) : IClassFixture<SecurityEdgeFixture>
{
    private const string Page = "https://www.example.com/";

    private static VisitorCookies Cookies(params string[] keys) =>
        new(Options.Create(new CookieSettings { SigningKeys = [.. keys] }));

    [Fact]
    public void CookieVerifies_IfSignedWithAnyActiveKey()
    {
        var old = Cookies(EdgeApplication.CookieSigningKey);
        var rotated = Cookies(SecurityEdgeFixture.NewSigningKey, EdgeApplication.CookieSigningKey);
        var signedOld = old.Sign(VisitorCookies.VisitorCookie, "abc");
        var signedNew = rotated.Sign(VisitorCookies.VisitorCookie, "abc");

        Assert.NotEqual(signedOld, signedNew);
        Assert.Equal("abc", rotated.Verify(VisitorCookies.VisitorCookie, signedOld));
        Assert.Equal("abc", rotated.Verify(VisitorCookies.VisitorCookie, signedNew));
        Assert.Null(old.Verify(VisitorCookies.VisitorCookie, signedNew)); // a dropped key no longer verifies
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA~paid")]
    [InlineData("unicode-été-😀")]
    public void Signature_IsHmacSha256OfNameAndValue_TruncatedTo128BitsInBase64Url(string value)
    {
        // The format cookies already in browsers carry: a change to how it is computed must not change what it is.
        var key = EdgeApplication.CookieSigningKey;
        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key),
            System.Text.Encoding.UTF8.GetBytes(VisitorCookies.SessionCookie + "=" + value));
        var expected = value + "." + System.Buffers.Text.Base64Url.EncodeToString(mac.AsSpan(0, 16));

        Assert.Equal(expected, Cookies(key).Sign(VisitorCookies.SessionCookie, value));
        Assert.Equal(value, Cookies(key).Verify(VisitorCookies.SessionCookie, expected));
    }

    [Fact]
    public void CookieIsRejected_IfTamperedForeignOrReplayedUnderAnotherName()
    {
        var cookies = Cookies(SecurityEdgeFixture.NewSigningKey);
        var signed = cookies.Sign(VisitorCookies.VisitorCookie, "abc");
        var foreign = Cookies("someone-elses-key-0123456789abcdefghijkl").Sign(VisitorCookies.VisitorCookie, "abc");

        Assert.Null(cookies.Verify(VisitorCookies.VisitorCookie, "abd" + signed[3..]));
        Assert.Null(cookies.Verify(VisitorCookies.VisitorCookie, signed[..^1] + (signed[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(cookies.Verify(VisitorCookies.VisitorCookie, foreign));
        Assert.Null(cookies.Verify(VisitorCookies.SessionCookie, signed));
        Assert.Null(cookies.Verify(VisitorCookies.VisitorCookie, "abc"));
        Assert.Null(cookies.Verify(VisitorCookies.VisitorCookie, ".x"));
    }

    [Fact]
    public void SingleSigningKey_IsStillAccepted_AndListedAfterTheRotationKeys()
    {
        var settings = new CookieSettings { SigningKey = "old-key-0123456789abcdefghijklmnopqrstuv", SigningKeys = ["new-key-0123456789abcdefghijklmnopqrstuv"] };
        Assert.Equal(["new-key-0123456789abcdefghijklmnopqrstuv", "old-key-0123456789abcdefghijklmnopqrstuv"], settings.ActiveKeys());
        Assert.Equal(["only-0123456789abcdefghijklmnopqrstuvwxyz"], new CookieSettings { SigningKey = "only-0123456789abcdefghijklmnopqrstuvwxyz" }.ActiveKeys());
        var failures = new CookieSettingsValidator().Validate(null, new CookieSettings { SigningKeys = ["short"] });
        Assert.True(failures.Failed);
        Assert.Contains("Cookies:SigningKeys:0", failures.FailureMessage);
    }

    [Fact]
    public async Task VisitorKeepsItsId_AndIsResignedWithTheNewKey_IfCookieWasSignedWithTheOldKey()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        var oldKey = Cookies(EdgeApplication.CookieSigningKey);
        client.Cookies[VisitorCookies.VisitorCookie] = oldKey.Sign(VisitorCookies.VisitorCookie, "visitor-from-before");

        var response = await client.RequestNumberAsync(site, Page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reissued = client.Cookies[VisitorCookies.VisitorCookie];
        Assert.Equal(Cookies(SecurityEdgeFixture.NewSigningKey).Sign(VisitorCookies.VisitorCookie, "visitor-from-before"), reissued);
    }

    [Fact]
    public async Task VisitorGetsANewId_IfCookieIsForged()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));
        client.Cookies[VisitorCookies.VisitorCookie] = Cookies("attacker-key-0123456789abcdefghijklmnopq").Sign(VisitorCookies.VisitorCookie, "chosen-id");

        await client.RequestNumberAsync(site, Page);

        var id = Cookies(SecurityEdgeFixture.NewSigningKey).Verify(VisitorCookies.VisitorCookie, client.Cookies[VisitorCookies.VisitorCookie]);
        Assert.NotNull(id);
        Assert.NotEqual("chosen-id", id);
        Assert.Equal(22, id.Length); // 128 random bits, base64url without padding
    }

    [Fact]
    public async Task IdCookiesAreHttpOnlyLaxAndHostOnly_IfSetByTheEdge()
    {
        using var client = new EdgeClient(fixture.Edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(2));

        await client.RequestNumberAsync(site, Page);

        foreach (var name in (string[])[VisitorCookies.VisitorCookie, VisitorCookies.SessionCookie])
        {
            var header = Assert.Single(client.LastSetCookies, c => c.StartsWith(name + "=", StringComparison.Ordinal)).ToLowerInvariant();
            Assert.Contains("httponly", header);
            Assert.Contains("samesite=lax", header);
            Assert.Contains("max-age=", header);
            Assert.Contains("path=/", header);
            Assert.DoesNotContain("domain=", header);
        }
    }
}
