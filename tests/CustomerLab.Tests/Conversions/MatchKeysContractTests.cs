using System.Text.Json;
using CustomerLab.Edge.Conversions;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Conversions;

/// <summary>
/// The edge normalises emails and phone numbers as the tag does (tag-js/src/match.js), on the cases both test
/// (tag-js/test/match-keys.json): a hash made in the browser and one made at the edge must match.
/// </summary>
public sealed class MatchKeysContractTests
{
    private static readonly JsonElement Cases =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tag-js", "test", "match-keys.json"))).RootElement;

    [Fact]
    public void Emails_AreNormalisedAsTheTagDoes()
    {
        foreach (var c in Cases.GetProperty("email").EnumerateArray())
            Assert.Equal(c[1].GetString(), MatchKeys.NormaliseEmail(c[0].GetString()) ?? "");
    }

    [Fact]
    public void PhoneNumbers_AreNormalisedAsTheTagDoes()
    {
        foreach (var c in Cases.GetProperty("phone").EnumerateArray())
            Assert.Equal(c[3].GetString(), MatchKeys.NormalisePhone(c[0].GetString(), c[2].GetString()!));
    }

    [Fact]
    public void Hash_IsLowerHexSha256_AndHashesAreRecognised()
    {
        var hash = MatchKeys.Hash("johndoe@gmail.com");
        Assert.Equal(64, hash.Length);
        Assert.Equal(hash.ToLowerInvariant(), hash);
        Assert.True(MatchKeys.IsHash(hash.ToUpperInvariant()));
        Assert.False(MatchKeys.IsHash("johndoe@gmail.com"));
        Assert.NotEqual(hash, MatchKeys.Hash("johndoe@gmail.co"));
    }
}
