using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

/// <summary>The start-up checks of <see cref="AdminOptions"/> beyond its attributes (run by <see cref="AdminOptionsValidator"/>).</summary>
partial class AdminOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var options = this;
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeySha256.Count; i++)
            if (!Sha256Hex().IsMatch(options.ApiKeySha256[i]))
                failures.Add($"Admin:ApiKeySha256:{i} is not a SHA-256 in hex (64 characters 0-9a-f).");
        for (var i = 0; i < options.Keys.Count; i++)
        {
            if (!Sha256Hex().IsMatch(options.Keys[i].Sha256 ?? ""))
                failures.Add($"Admin:Keys:{i}:Sha256 is not a SHA-256 in hex (64 characters 0-9a-f).");
            if (!string.IsNullOrEmpty(options.Keys[i].Site) && !SiteValidation.SiteKeyPattern().IsMatch(options.Keys[i].Site!))
                failures.Add($"Admin:Keys:{i}:Site is not a site key.");
        }
        return failures.Select(static f => new ValidationResult(f));
    }

    [GeneratedRegex(@"^[0-9a-fA-F]{64}\z")]
    private static partial Regex Sha256Hex();
}

/// <summary>Source-generated start-up validator of <see cref="AdminOptions"/>: Every configured admin key hash must be 64 hex digits; a scope must be a valid site key.</summary>
[OptionsValidator]
internal sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;
