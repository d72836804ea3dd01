using PhoneNumbers;

namespace CustomerLab.Edge.Phones;

/// <summary>A phone number in the forms the tag and people need.</summary>
/// <param name="E164">The canonical form stored everywhere, e.g. <c>+12025550100</c>.</param>
/// <param name="National">As dialled in its country, e.g. <c>(202) 555-0100</c>.</param>
/// <param name="International">E.g. <c>+1 202-555-0100</c>.</param>
/// <param name="Uri">For <c>tel:</c> links, e.g. <c>tel:+1-202-555-0100</c>.</param>
/// <param name="TagMatch">What the tag finds and swaps it with: country code, NSN, shape, pattern, selector (see <see cref="PhoneShapes.TagMatch"/>).</param>
public sealed record PhoneNumberFormats(string E164, string National, string International, string Uri, string[] TagMatch);

/// <summary>Parses, validates and formats phone numbers with libphonenumber (Google's metadata, offline).</summary>
public static class PhoneNumberParsing
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Parses <paramref name="text"/> (E.164, or national in <paramref name="defaultRegion"/>) and accepts it only
    /// when libphonenumber deems it a valid number. Returns the reason otherwise.
    /// </summary>
    public static bool TryParse(string? text, string defaultRegion, out PhoneNumberFormats formats, out string error)
    {
        formats = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a phone number is required";
            return false;
        }
        PhoneNumber number;
        try
        {
            number = Util.Parse(text, defaultRegion);
        }
        catch (NumberParseException ex)
        {
            error = $"'{text}' is not a phone number ({ex.ErrorType})";
            return false;
        }
        if (!Util.IsValidNumber(number))
        {
            error = $"'{text}' is not a valid phone number";
            return false;
        }
        formats = Format(number);
        return true;
    }

    /// <summary>The display forms of a number already known to be valid E.164.</summary>
    public static PhoneNumberFormats FromE164(string e164)
    {
        // Hot path of /v1/number: libphonenumber's parse and four formats cost more than the rest of the answer, and
        // the numbers are the sites' own (few), so their forms are kept. The cap only guards against misuse.
        if (FormatsByE164.TryGetValue(e164, out var known)) return known;
        var formats = Format(Util.Parse(e164, null));
        if (FormatsByE164.Count < MaxCachedNumbers) FormatsByE164.TryAdd(e164, formats);
        return formats;
    }

    /// <summary>Most numbers whose display forms are kept in memory.</summary>
    private const int MaxCachedNumbers = 100_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PhoneNumberFormats> FormatsByE164 = new(StringComparer.Ordinal);

    private static readonly PhoneNumberOfflineGeocoder Geocoder = PhoneNumberOfflineGeocoder.GetInstance();

    /// <summary>
    /// A caller id as E.164 with where the number is from (offline geocoder: a state, city or country) and its
    /// country code; as received, with empty places, when it is not a phone number (anonymous, client:…).
    /// </summary>
    public static (string Number, string Region, string Country) DescribeCaller(string? callerId)
    {
        if (string.IsNullOrWhiteSpace(callerId)) return ("", "", "");
        try
        {
            var number = Util.Parse(callerId, "US");
            if (!Util.IsValidNumber(number)) return (callerId, "", "");
            return (Util.Format(number, PhoneNumberFormat.E164), Geocoder.GetDescriptionForNumber(number, Locale.English),
                Util.GetRegionCodeForNumber(number) ?? "");
        }
        catch (NumberParseException)
        {
            return (callerId, "", "");
        }
    }

    /// <summary>True when <paramref name="region"/> is a region libphonenumber knows (ISO 3166 alpha-2).</summary>
    public static bool IsKnownRegion(string region) => Util.GetSupportedRegions().Contains(region);

    private static PhoneNumberFormats Format(PhoneNumber number) => new(
        Util.Format(number, PhoneNumberFormat.E164),
        Util.Format(number, PhoneNumberFormat.NATIONAL),
        Util.Format(number, PhoneNumberFormat.INTERNATIONAL),
        Util.Format(number, PhoneNumberFormat.RFC3966),
        PhoneShapes.TagMatch(number.CountryCode, Util.GetNationalSignificantNumber(number), PhoneShapes.Of(number)));
}
