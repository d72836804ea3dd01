using System.Text.RegularExpressions;
using CustomerLab.Edge.Phones;

namespace CustomerLab.Tests.Phones;

/// <summary>The digit groupings derived from libphonenumber's metadata, and the patterns built from them.</summary>
public sealed class PhoneShapesTests
{
    [Theory]
    [InlineData("+14155550132", "334")] // (415) 555-0132
    [InlineData("+16042151234", "334")] // Canada: NANP formats come from the US's metadata
    [InlineData("+442079460000", "244")] // 020 7946 0000
    [InlineData("+441614960000", "334")] // 0161 496 0000
    [InlineData("+447700900123", "46")] // 07700 900123
    [InlineData("+61298765432", "144")] // (02) 9876 5432
    [InlineData("+61412345678", "333")] // 0412 345 678
    [InlineData("+33123456789", "12222")] // 01 23 45 67 89
    [InlineData("+35312345678", "134")] // (01) 234 5678
    [InlineData("+6493456789", "134")] // 09 345 6789
    [InlineData("+493023125100", "")] // Germany: an open numbering plan, any grouping
    [InlineData("+4915112345678", "")] // also its mobiles
    public void Shape_IsTheGroupingLibphonenumberWritesTheNumberIn(string e164, string shape) =>
        Assert.Equal(shape, PhoneNumberParsing.FromE164(e164).TagMatch[2]);

    [Theory]
    [InlineData("+14155550132", "0132")] // the last group of 334
    [InlineData("+442079460000", "0000")]
    [InlineData("+447700900123", "900123")] // 46
    [InlineData("+33123456789", "89")] // 12222
    [InlineData("+493023125100", "0")] // open: a separator may stand between any two digits
    public void Selector_FindsTheAttributesHoldingTheDigitsEveryFormWritesTogether(string e164, string tail) =>
        Assert.Equal($"[href*=\"{tail}\"],[title*=\"{tail}\"],[aria-label*=\"{tail}\"]", PhoneNumberParsing.FromE164(e164).TagMatch[4]);

    [Theory]
    [InlineData("+14155550132", "(415) 555-0132", true)]
    [InlineData("+14155550132", "+1 415/555-0132", true)]
    [InlineData("+14155550132", "1-415-555-0132", true)]
    [InlineData("+14155550132", "415\u00a0555\u00a00132", true)]
    [InlineData("+14155550132", "415-5550-132", false)]
    [InlineData("+14155550132", "4155-550-132", false)]
    [InlineData("+442079460000", "+44 (0)20 7946 0000", true)]
    [InlineData("+442079460000", "(020) 7946-0000", true)]
    [InlineData("+442079460000", "0207 946 0000", false)]
    [InlineData("+493023125100", "030 / 231 251 00", true)]
    [InlineData("+493023125100", "(030) 23 12 51 00", true)]
    public void Pattern_MatchesRealShapesOnly(string e164, string text, bool matches)
    {
        // The tag's pattern is JavaScript; these constructs mean the same in .NET (\s also matches a no-break space).
        var pattern = PhoneNumberParsing.FromE164(e164).TagMatch[3];
        Assert.Equal(matches, Regex.IsMatch(text, $"^(?:{pattern})$"));
    }
}
