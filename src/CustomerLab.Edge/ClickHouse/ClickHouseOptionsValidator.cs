using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.ClickHouse;

/// <summary>The start-up checks of <see cref="ClickHouseOptions"/> beyond its attributes (run by <see cref="ClickHouseOptionsValidator"/>).</summary>
partial class ClickHouseOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var options = this;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Url))
            failures.Add("ClickHouse:Url is required (for example http://127.0.0.1:8123).");
        else if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.Host.Length == 0)
            failures.Add($"ClickHouse:Url '{options.Url}' is not an http:// or https:// URL.");
        if (!Identifier().IsMatch(options.Database))
            failures.Add($"ClickHouse:Database '{options.Database}' is not a plain identifier (letters, digits, underscore).");
        if (!string.IsNullOrEmpty(options.Cluster) && !Identifier().IsMatch(options.Cluster))
            failures.Add($"ClickHouse:Cluster '{options.Cluster}' is not a plain identifier.");
        if (options.TimeoutSeconds <= 0)
            failures.Add("ClickHouse:TimeoutSeconds must be positive.");
        return failures.Select(static f => new ValidationResult(f));
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Identifier();
}

/// <summary>Source-generated start-up validator of <see cref="ClickHouseOptions"/>: Checks the ClickHouse settings at start-up so a typo stops the edge before the first request.</summary>
[OptionsValidator]
internal sealed partial class ClickHouseOptionsValidator : IValidateOptions<ClickHouseOptions>;
