using System.Text;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace CustomerLab.Edge.Phones;

/// <summary>
/// The digit groupings a number is really written in, from libphonenumber's formatting metadata (the same metadata
/// that validates and formats it), and the pattern the tag matches it with (<see cref="TagMatch"/>). A shape is the
/// group lengths of the national significant number, one digit each: <c>334</c> for <c>(415) 555-0132</c>,
/// <c>244</c> for <c>020 7946 0000</c>; alternatives are separated by commas. An empty shape means "any grouping":
/// the country's numbering is open (numbers of many lengths, as in Germany), or libphonenumber has no fixed format
/// for the number.
/// </summary>
/// <remarks>
/// The shapes and patterns are computed here, per number, rather than in the tag: a table of every country's shapes
/// would cost the tag far more compressed bytes than its budget leaves (see docs/tag.md), and here the leading-digit
/// rules pick exactly the formats that apply to one number. Each number's result is cached with its other forms.
/// </remarks>
public static partial class PhoneShapes
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>A group whose length may vary by this many digits or more marks an open (free) grouping.</summary>
    private const int OpenRangeDigits = 3;

    /// <summary>
    /// A country whose fixed-line numbers vary in length by this many digits or more has an open numbering plan
    /// (area codes and subscriber numbers of several lengths, as in Germany): people group its numbers freely.
    /// </summary>
    private const int OpenPlanLengthSpread = 4;

    /// <summary>The shape of a parsed number (see the class summary).</summary>
    public static string Of(PhoneNumber number)
    {
        var nsn = Util.GetNationalSignificantNumber(number);
        // An invalid or unassigned number has no region; the main region of its country code then formats it.
        var region = Util.GetRegionCodeForNumber(number) ?? Util.GetRegionCodeForCountryCode(number.CountryCode);
        var metadata = region == "001" ? Util.GetMetadataForNonGeographicalRegion(number.CountryCode) : Util.GetMetadataForRegion(region);
        if (metadata is null) return "";
        // NANP regions other than the US have no formats of their own: libphonenumber formats them with the US's.
        if (metadata.NumberFormatCount == 0) metadata = Util.GetMetadataForRegion(Util.GetRegionCodeForCountryCode(number.CountryCode)) ?? metadata;
        if (IsOpenPlan(metadata)) return "";
        var shapes = new List<string>();
        foreach (var format in metadata.NumberFormatList.Concat(metadata.IntlNumberFormatList))
        {
            if (format.LeadingDigitsPatternCount > 0 && !Regex.IsMatch(nsn, $"^(?:{format.LeadingDigitsPatternList[^1]})")) continue;
            var match = Regex.Match(nsn, $"^(?:{format.Pattern})$");
            if (!match.Success) continue;
            if (IsOpen(format.Pattern)) return "";
            var shape = ShapeOf(match, format.Format);
            if (shape is null) return "";
            if (!shapes.Contains(shape)) shapes.Add(shape);
        }
        return string.Join(',', shapes);
    }

    private static bool IsOpenPlan(PhoneMetadata metadata)
    {
        var lengths = metadata.FixedLine?.PossibleLengthList is { Count: > 0 } fixedLine ? fixedLine : metadata.GeneralDesc.PossibleLengthList;
        return lengths.Count > 0 && lengths.Max() - lengths.Min() >= OpenPlanLengthSpread;
    }

    private static bool IsOpen(string pattern)
    {
        foreach (Match range in Range().Matches(pattern))
            if (int.Parse(range.Groups[2].ValueSpan) - int.Parse(range.Groups[1].ValueSpan) >= OpenRangeDigits) return true;
        return false;
    }

    /// <summary>Group lengths as the format writes them ("$1$2" joins two groups); null when a group has 10 or more digits.</summary>
    private static string? ShapeOf(Match match, string format)
    {
        var shape = new StringBuilder();
        var length = 0;
        for (var g = 1; g < match.Groups.Count; g++)
        {
            length += match.Groups[g].Length;
            var joined = g + 1 < match.Groups.Count && format.Contains($"${g}${g + 1}", StringComparison.Ordinal);
            if (joined) continue;
            if (length > 9) return null;
            shape.Append((char)('0' + length));
            length = 0;
        }
        return shape.ToString();
    }

    /// <summary>
    /// At most one separator: a white space (a non-breaking space too), or a hyphen, dot or slash with at most one
    /// space on either side (<c>030 / 231 251 00</c>), or nothing. Written without alternatives, as
    /// <c>(?:\s?[-./]\s?|\s)?</c> would be: the same strings, but a browser compiles the tag's regular expression on
    /// its first swap, and alternatives cost that compilation most (docs/tag.md, "Main-thread time").
    /// </summary>
    private const string OptionalSeparator = @"\s?(?:[-./]\s?)?";

    /// <summary>
    /// One separator (as above, not nothing): the lookahead asks for one separator character, and what follows a
    /// separator in a pattern (a digit, a bracket) cannot match one, so the empty match never completes a number.
    /// </summary>
    private const string Separator = @"(?=[-./\s])" + OptionalSeparator;

    /// <summary>Between two groups: one separator, or a closing bracket with at most one.</summary>
    private const string GroupBreak = @"(?=[-./\s)])\)?" + OptionalSeparator;

    /// <summary>
    /// What the tag needs to find and swap a number:
    /// <c>[country code, national significant number, shape, pattern, selector]</c>.
    /// The pattern (a JavaScript regular expression, no flags) matches the number as people write it: the NSN in one
    /// of its shapes (groups split by <see cref="GroupBreak"/>), or unbroken (E.164), or, for an open grouping, with
    /// an optional separator between any two digits; before it "+CC" with an optional "(0)", "CC" and a separator,
    /// an opening bracket and the trunk "0", as in <c>+44 (0)20 7946 0000</c>, <c>1-415-555-0132</c>,
    /// <c>(020) 7946 0000</c>. The selector (CSS) finds the elements whose <c>href</c>, <c>title</c> or
    /// <c>aria-label</c> may hold the number: those holding its <see cref="Tail"/>.
    /// </summary>
    public static string[] TagMatch(int countryCode, string nsn, string shape)
    {
        var cc = countryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = shape.Length == 0
            ? string.Join(@"\)?" + OptionalSeparator, nsn.Select(d => d.ToString()))
            : string.Join('|', shape.Split(',').Select(s => Grouped(nsn, s)).Append(nsn));
        var tail = Tail(nsn, shape);
        return [cc, nsn, shape, $@"(?:\+ ?{cc}(?: ?\(0\))?{OptionalSeparator}|{cc}{Separator})?\(?0?{OptionalSeparator}(?:{body})",
            $"[href*=\"{tail}\"],[title*=\"{tail}\"],[aria-label*=\"{tail}\"]"];
    }

    /// <summary>
    /// The last digits of the NSN that every form the pattern accepts writes together: the shortest last group of its
    /// shapes ("0132" for 334), or the last digit where the grouping is open. Text without them cannot hold the number,
    /// so the tag reads only the attributes that have them.
    /// </summary>
    public static string Tail(string nsn, string shape) =>
        nsn[^(shape.Length == 0 ? 1 : shape.Split(',').Min(s => s[^1] - '0'))..];

    private static string Grouped(string nsn, string shape)
    {
        var groups = new List<string>(shape.Length);
        var at = 0;
        foreach (var length in shape.Select(c => c - '0'))
        {
            groups.Add(nsn.Substring(at, length));
            at += length;
        }
        return string.Join(GroupBreak, groups);
    }

    [GeneratedRegex(@"\{(\d+),(\d+)\}")]
    private static partial Regex Range();
}
