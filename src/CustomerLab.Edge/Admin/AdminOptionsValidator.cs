using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

/// <summary>Every configured admin key hash must be 64 hex digits.</summary>
internal sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        for (var i = 0; i < options.ApiKeySha256.Count; i++)
            if (!Sha256Hex().IsMatch(options.ApiKeySha256[i]))
                return ValidateOptionsResult.Fail($"Admin:ApiKeySha256:{i} is not a SHA-256 in hex (64 characters 0-9a-f).");
        return ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
