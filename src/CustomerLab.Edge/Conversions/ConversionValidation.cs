using System.Text.RegularExpressions;

namespace CustomerLab.Edge.Conversions;

/// <summary>The checks the conversion endpoints share; each error is named by its field.</summary>
internal static partial class ConversionValidation
{
    public const int MaxIdLength = 200;
    public const decimal MaxValue = 1_000_000_000_000m;

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static string? Type(string? type, string field, Dictionary<string, string[]> errors, string fallback = "")
    {
        var t = string.IsNullOrEmpty(type) ? fallback : type;
        if (t is "lead" or "purchase") return t;
        errors[field] = ["'lead' or 'purchase'."];
        return null;
    }

    public static string? Id(string? id, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(id)) return null;
        if (id.Length <= MaxIdLength && !id.Any(char.IsControl)) return id;
        errors[field] = [$"At most {MaxIdLength} characters, no control characters."];
        return null;
    }

    /// <summary>The value and its currency (upper case): both or neither; a value of 0 or more.</summary>
    public static (decimal Value, string Currency) Money(decimal? value, string? currency, string valueField, string currencyField, Dictionary<string, string[]> errors)
    {
        if (value is null && string.IsNullOrEmpty(currency)) return (0, "");
        if (value is not { } v || v < 0 || v > MaxValue)
        {
            errors[valueField] = [$"A value from 0 to {MaxValue:0}, with the currency."];
            return (0, "");
        }
        var c = currency?.Trim().ToUpperInvariant() ?? "";
        if (!CurrencyPattern().IsMatch(c))
        {
            errors[currencyField] = ["An ISO 4217 currency code, such as USD, is required with a value."];
            return (0, "");
        }
        return (decimal.Round(v, 4), c);
    }

    /// <summary>
    /// The hex SHA-256 match key from a hash or a raw value (normalised and hashed here, never kept); "" when neither
    /// is given; null with an error when what was given is not an email or phone number or not a hash.
    /// </summary>
    public static string? MatchKey(string? raw, string? hash, bool email, string region, string rawField, string hashField, Dictionary<string, string[]> errors)
    {
        if (!string.IsNullOrEmpty(hash))
        {
            if (MatchKeys.IsHash(hash)) return hash.ToLowerInvariant();
            errors[hashField] = ["The hex SHA-256 (64 hex digits) of the normalised value."];
            return null;
        }
        if (string.IsNullOrWhiteSpace(raw)) return "";
        var normalised = raw.Length > 320 ? null : email ? MatchKeys.NormaliseEmail(raw) : MatchKeys.NormalisePhone(raw, region);
        if (normalised is not null) return MatchKeys.Hash(normalised);
        // The value itself is not echoed: it is personal data.
        errors[rawField] = [email ? "Not an email address." : $"Not a phone number (E.164, or national in region {region})."];
        return null;
    }
}
