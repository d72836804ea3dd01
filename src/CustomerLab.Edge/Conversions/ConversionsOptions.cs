using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Conversions;

/// <summary>Leads and purchases: <c>POST /v1/conversions</c>, <c>/v1/leads</c> and <c>/v1/visitor</c>.</summary>
public sealed class ConversionsOptions : IValidatableObject
{
    public const string Section = "Conversions";

    /// <summary>How long a visitor token from <c>customerlab('visitor', fn)</c> is accepted, in minutes. The default is 60.</summary>
    public int VisitorTokenMinutes { get; set; } = 60;

    /// <summary>Largest accepted body of the conversion endpoints, in bytes. The default is 16 KiB.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Most field names kept of one form (the rest are dropped). The default is 50.</summary>
    public int MaxFormFields { get; set; } = 50;

    /// <summary>How long the edge waits for Redis (the site's settings), in milliseconds. The default is 500.</summary>
    public int RedisTimeoutMs { get; set; } = 500;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!(VisitorTokenMinutes is >= 1 and <= 7 * 24 * 60)) yield return new ValidationResult("Conversions:VisitorTokenMinutes must be 1 to 10080.");
        if (!(MaxBodyBytes is >= 1024 and <= 1024 * 1024)) yield return new ValidationResult("Conversions:MaxBodyBytes must be 1024 to 1048576.");
        if (!(MaxFormFields is >= 1 and <= 500)) yield return new ValidationResult("Conversions:MaxFormFields must be 1 to 500.");
        if (!(RedisTimeoutMs is >= 1 and <= 60_000)) yield return new ValidationResult("Conversions:RedisTimeoutMs must be 1 to 60000.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="ConversionsOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ConversionsOptionsValidator : IValidateOptions<ConversionsOptions>;
