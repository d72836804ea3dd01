using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Privacy;

/// <summary>Access and deletion requests (<c>/admin/privacy/*</c> and the <c>privacy</c> CLI command).</summary>
public sealed class PrivacyOptions : IValidatableObject
{
    public const string Section = "Privacy";

    /// <summary>
    /// Secret for the keyed hash (HMAC-SHA256) of each request's subject in <c>privacy_audit</c>, at least 32
    /// characters. Empty (the default): a key derived from the first cookie signing key, which changes when that key
    /// rotates (older audit rows can then no longer be matched to a subject), so production should set its own.
    /// </summary>
    public string? AuditKey { get; set; }

    /// <summary>Region for phone numbers written without a country code. The default is empty: E.164 (+…) only.</summary>
    public string DefaultRegion { get; set; } = "";

    /// <summary>Most rows of one table an export returns; more are counted but not listed. The default is 100,000.</summary>
    public int MaxExportRows { get; set; } = 100_000;

    /// <summary>
    /// Seconds after a deletion when it runs once more by itself (the follow-up), to remove what was still on its way
    /// (events in an edge's spool, lease-history rows in a writer's buffer) when it ran. The default is 120 s: many
    /// times the normal shipping delay of about a second. 1 to 86,400.
    /// </summary>
    public int FollowUpDelaySeconds { get; set; } = 120;

    /// <summary>How often each edge looks for due follow-ups, in seconds. The default is 5 s. 1 to 300.</summary>
    public int FollowUpPollSeconds { get; set; } = 5;

    /// <summary>Bounds of <see cref="FollowUpDelaySeconds"/> (a day at most: the subject's id waits in Redis that long).</summary>
    public const int MinFollowUpDelaySeconds = 1, MaxFollowUpDelaySeconds = 86_400;

    /// <summary>Bounds of <see cref="FollowUpPollSeconds"/>.</summary>
    public const int MinFollowUpPollSeconds = 1, MaxFollowUpPollSeconds = 300;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var o = this;
        if (!(string.IsNullOrEmpty(o.AuditKey) || o.AuditKey.Length >= 32)) yield return new ValidationResult("Privacy:AuditKey must be at least 32 characters.");
        if (!(o.MaxExportRows is >= 1 and <= 10_000_000)) yield return new ValidationResult("Privacy:MaxExportRows must be between 1 and 10,000,000.");
        if (!(o.FollowUpDelaySeconds is >= PrivacyOptions.MinFollowUpDelaySeconds and <= PrivacyOptions.MaxFollowUpDelaySeconds)) yield return new ValidationResult("Privacy:FollowUpDelaySeconds must be between 1 and 86,400 (a day).");
        if (!(o.FollowUpPollSeconds is >= PrivacyOptions.MinFollowUpPollSeconds and <= PrivacyOptions.MaxFollowUpPollSeconds)) yield return new ValidationResult("Privacy:FollowUpPollSeconds must be between 1 and 300.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="PrivacyOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>;
