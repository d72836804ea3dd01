using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerLab.Edge.Phones;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// The edge's description of numbers (<see cref="PhoneShapes"/>: shapes and patterns from libphonenumber's metadata)
/// is what the tag matches with. <c>tag-js/test/numbers.json</c> holds it for the numbers the Node tests use, so those
/// tests run the tag's matcher on exactly what the edge sends. This test keeps the file equal to the edge's output;
/// after a change to the shapes, rewrite it with <c>UPDATE_TAG_NUMBERS=1 ./test.sh -class CustomerLab.Tests.Tag.TagNumbersContractTests</c>.
/// </summary>
public sealed class TagNumbersContractTests
{
    private static readonly string ContractFile = Path.Combine(TagBuild.Directory, "test", "numbers.json");

    /// <summary>US and Canada (NANP), UK, Australia, Germany, France, Ireland, New Zealand: fixed lines and mobiles.</summary>
    public static readonly string[] Numbers =
    [
        "+14155550132", "+12025550100", "+16045550123", "+16045550188",
        "+442079460000", "+442079460123", "+441614960000", "+447700900123", "+447700900456",
        "+61298765432", "+61298765000", "+61412345678", "+61412345000",
        "+493023125100", "+493023125999", "+498912345678", "+4915112345678",
        "+33123456789", "+33123456000", "+33612345678",
        "+35312345678", "+35312345000", "+353871234567",
        "+6493456789", "+6493456000", "+64211234567",
    ];

    [Fact]
    public async Task NumbersJson_IsWhatTheEdgeSendsForItsNumbers()
    {
        var expected = new JsonObject();
        foreach (var e164 in Numbers)
        {
            var formats = PhoneNumberParsing.FromE164(e164);
            expected[e164] = new JsonObject
            {
                ["match"] = new JsonArray(formats.TagMatch.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
                ["national"] = formats.National,
                ["international"] = formats.International,
            };
        }
        var text = expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var ct = TestContext.Current.CancellationToken;
        if (Environment.GetEnvironmentVariable("UPDATE_TAG_NUMBERS") == "1") await File.WriteAllTextAsync(ContractFile, text, ct);

        Assert.True(File.Exists(ContractFile), $"{ContractFile} is missing; write it with UPDATE_TAG_NUMBERS=1");
        Assert.Equal(text, await File.ReadAllTextAsync(ContractFile, ct));
    }
}
