using System.Text.RegularExpressions;
using CustomerLab.Edge.Phones;

namespace CustomerLab.Edge.Sites;

/// <summary>Turns admin requests into stored configuration, collecting every error under the field it concerns.</summary>
internal static partial class SiteValidation
{
    /// <summary>Site keys are public and part of Redis keys: 3–64 letters, digits, '-' or '_'.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_-]{3,64}\z")] // \z: '$' would also accept a trailing newline
    public static partial Regex SiteKeyPattern();

    /// <summary>Pool ids: 1–32 lower-case letters, digits, '-' or '_'.</summary>
    [GeneratedRegex(@"^[a-z0-9_-]{1,32}\z")]
    public static partial Regex PoolIdPattern();

    [GeneratedRegex(@"^(?=.{1,253}\z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z")]
    private static partial Regex HostPattern();

    public static SiteConfig? ToSite(string siteKey, SiteRequest request, IReadOnlyList<PoolConfig> pools, Dictionary<string, string[]> errors)
    {
        if (!SiteKeyPattern().IsMatch(siteKey))
            errors["siteKey"] = ["3 to 64 letters, digits, '-' or '_'."];
        var region = (request.Region ?? "US").ToUpperInvariant();
        if (!PhoneNumberParsing.IsKnownRegion(region))
            errors["region"] = [$"'{request.Region}' is not a region code (ISO 3166 alpha-2, e.g. US, GB)."];

        var domains = new List<string>();
        if (request.Domains is not { Count: > 0 })
            errors["domains"] = ["At least one domain is required."];
        else
            for (var i = 0; i < request.Domains.Count; i++)
            {
                var host = request.Domains[i]?.Trim().TrimEnd('.').ToLowerInvariant() ?? "";
                if (HostPattern().IsMatch(host)) domains.Add(host);
                else errors[$"domains[{i}]"] = [$"'{request.Domains[i]}' is not a host name."];
            }

        var targets = ParseNumbers(request.Targets ?? [], "targets", region, errors);
        var defaultNumber = ParseNumber(request.DefaultNumber, "defaultNumber", region, errors);
        var hold = request.HoldMinutes ?? 30;
        if (hold is < 1 or > 1440)
            errors["holdMinutes"] = ["Between 1 and 1440 minutes."];

        if (errors.Count > 0) return null;
        return new SiteConfig
        {
            SiteKey = siteKey,
            Domains = domains,
            Targets = targets,
            DefaultNumber = defaultNumber!,
            HoldMinutes = hold,
            Region = region,
            HonourDoNotTrack = request.HonourDoNotTrack ?? false,
            Pools = pools,
        };
    }

    public static string? ParseNumber(string? text, string field, string region, Dictionary<string, string[]> errors)
    {
        if (PhoneNumberParsing.TryParse(text, region, out var formats, out var error))
            return formats.E164;
        errors[field] = [error];
        return null;
    }

    public static List<string> ParseNumbers(IReadOnlyList<string> texts, string field, string region, Dictionary<string, string[]> errors)
    {
        var numbers = new List<string>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
            if (ParseNumber(texts[i], $"{field}[{i}]", region, errors) is { } e164 && !numbers.Contains(e164))
                numbers.Add(e164);
        return numbers;
    }
}
