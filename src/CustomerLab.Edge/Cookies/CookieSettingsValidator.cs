using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Cookies;

/// <summary>The start-up checks of <see cref="CookieSettings"/> beyond its attributes (run by <see cref="CookieSettingsValidator"/>).</summary>
partial class CookieSettings : IValidatableObject
{
    /// <summary>Shortest accepted signing key, in characters.</summary>
    public const int MinKeyLength = 32;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var options = this;
        var failures = new List<string>();
        if (options.ActiveKeys().Count == 0)
            failures.Add("Cookies:SigningKey is required, or Cookies:SigningKeys (a random secret of at least 32 characters, e.g. from `openssl rand -base64 48`).");
        if (!string.IsNullOrEmpty(options.SigningKey) && options.SigningKey.Length < MinKeyLength)
            failures.Add($"Cookies:SigningKey must be at least {MinKeyLength} characters.");
        for (var i = 0; i < options.SigningKeys.Count; i++)
            if (options.SigningKeys[i] is not { Length: >= MinKeyLength })
                failures.Add($"Cookies:SigningKeys:{i} must be at least {MinKeyLength} characters.");
        if (options.SameSite == SameSiteMode.None && !options.Secure)
            failures.Add("Cookies:SameSite None requires Cookies:Secure true (browsers reject it otherwise).");
        if (options.VisitorDays is < 1 or > 400)
            failures.Add("Cookies:VisitorDays must be between 1 and 400.");
        return failures.Select(static f => new ValidationResult(f));
    }
}

/// <summary>Source-generated start-up validator of <see cref="CookieSettings"/>: At least one signing key, each long enough; SameSite=None needs Secure.</summary>
[OptionsValidator]
internal sealed partial class CookieSettingsValidator : IValidateOptions<CookieSettings>;
