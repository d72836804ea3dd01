using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Retention;

/// <summary>How long ClickHouse keeps each table's rows (its TTL), applied at start-up after the migrations.</summary>
public sealed partial class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// Days per table, e.g. <c>Retention:Days:pageviews=180</c>. A table not listed keeps the TTL of its migration
    /// (400 days; 1825 for <c>privacy_audit</c> and <c>console_audit</c>). The default is empty.
    /// </summary>
    public Dictionary<string, int> Days { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The time column each table's TTL counts from (the same expressions as the migrations).</summary>
    public static readonly IReadOnlyDictionary<string, string> TtlColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pageviews"] = "toDateTime(timestamp)",
        ["sessions_agg"] = "toDateTime(last_seen)",
        ["lease_history"] = "toDateTime(started_at)",
        ["calls"] = "toDateTime(started_at)",
        ["call_recordings"] = "toDateTime(call_started_at)",
        ["texts"] = "toDateTime(received_at)",
        ["conversion_events"] = "toDateTime(occurred_at)",
        ["privacy_audit"] = "toDateTime(requested_at)",
        ["console_audit"] = "toDateTime(at)",
    };

    /// <summary>Longest accepted retention: 100 years, in days.</summary>
    public const int MaxDays = 36_500;
}

/// <summary>The start-up checks of <see cref="RetentionOptions"/> beyond its attributes (run by <see cref="RetentionOptionsValidator"/>).</summary>
partial class RetentionOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var options = this;
        var failures = new List<string>();
        foreach (var (table, days) in options.Days)
        {
            if (!RetentionOptions.TtlColumns.ContainsKey(table))
                failures.Add($"Retention:Days:{table}: no such table with a TTL (one of {string.Join(", ", RetentionOptions.TtlColumns.Keys)}).");
            else if (days is < 1 or > RetentionOptions.MaxDays)
                failures.Add($"Retention:Days:{table} must be between 1 and {RetentionOptions.MaxDays} days.");
        }
        return failures.Select(static f => new ValidationResult(f));
    }
}

/// <summary>Source-generated start-up validator of <see cref="RetentionOptions"/>: Only known tables, each with 1 to <see cref="RetentionOptions.MaxDays"/> days.</summary>
[OptionsValidator]
internal sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
