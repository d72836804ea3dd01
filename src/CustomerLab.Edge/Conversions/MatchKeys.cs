using System.Security.Cryptography;
using System.Text;
using CustomerLab.Edge.Phones;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// Email and phone numbers as match keys: the hex SHA-256 of their normalised form, as Google's enhanced conversions
/// specify, so a conversion can be matched to a caller or exported without the value itself. The tag hashes in the
/// browser where WebCrypto is available (tag-js/src/leads.js, the same rules); this is the edge's side, for pages
/// without it and for servers that send the value. The raw value is never stored or logged.
/// </summary>
public static class MatchKeys
{
    /// <summary>Trimmed, lower case, whitespace removed; for gmail.com and googlemail.com the dots before the @ go.</summary>
    public static string? NormaliseEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return null;
        var e = new string(email.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
        var at = e.LastIndexOf('@');
        if (at <= 0 || at == e.Length - 1) return null;
        var domain = e[(at + 1)..];
        return domain is "gmail.com" or "googlemail.com" ? e[..at].Replace(".", "", StringComparison.Ordinal) + "@" + domain : e;
    }

    /// <summary>E.164 (+ and digits), read in the site's region when written nationally; null when it is no phone number.</summary>
    public static string? NormalisePhone(string? phone, string region) =>
        PhoneNumberParsing.TryParse(phone, region, out var formats, out _) ? formats.E164 : null;

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string Hash(string normalised) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));

    /// <summary>True for 64 hex digits (a hash the browser or the client's server made); accepted in either case, stored in lower case.</summary>
    public static bool IsHash(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);
}
