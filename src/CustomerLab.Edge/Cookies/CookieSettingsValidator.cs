using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Cookies;

/// <summary>The signing key is required and long enough; SameSite=None needs Secure.</summary>
internal sealed class CookieSettingsValidator : IValidateOptions<CookieSettings>
{
    /// <summary>Shortest accepted signing key, in characters.</summary>
    public const int MinKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, CookieSettings options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.SigningKey))
            failures.Add("Cookies:SigningKey is required (a random secret of at least 32 characters, e.g. from `openssl rand -base64 48`).");
        else if (options.SigningKey.Length < MinKeyLength)
            failures.Add($"Cookies:SigningKey must be at least {MinKeyLength} characters.");
        if (options.SameSite == SameSiteMode.None && !options.Secure)
            failures.Add("Cookies:SameSite None requires Cookies:Secure true (browsers reject it otherwise).");
        if (options.VisitorDays is < 1 or > 400)
            failures.Add("Cookies:VisitorDays must be between 1 and 400.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
