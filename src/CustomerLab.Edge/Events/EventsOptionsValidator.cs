using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Events;

/// <summary>The start-up checks of <see cref="EventsOptions"/> beyond its attributes (run by <see cref="EventsOptionsValidator"/>).</summary>
partial class EventsOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var o = this;
        var failures = new List<string>();
        void Positive(long value, string key) { if (value <= 0) failures.Add($"Events:{key} must be positive (it is {value})."); }
        Positive(o.MaxBodyBytes, nameof(o.MaxBodyBytes));
        Positive(o.MaxEventsPerRequest, nameof(o.MaxEventsPerRequest));
        Positive(o.MaxEventBytes, nameof(o.MaxEventBytes));
        Positive(o.MaxUrlLength, nameof(o.MaxUrlLength));
        Positive(o.MaxTitleLength, nameof(o.MaxTitleLength));
        Positive(o.MaxEventNameLength, nameof(o.MaxEventNameLength));
        Positive(o.RedisTimeoutMs, nameof(o.RedisTimeoutMs));
        Positive(o.UserAgentCacheSize, nameof(o.UserAgentCacheSize));
        if (o.IPv4PrefixBits is < 0 or > 32) failures.Add($"Events:IPv4PrefixBits must be 0 to 32 (it is {o.IPv4PrefixBits}).");
        if (o.IPv6PrefixBits is < 0 or > 128) failures.Add($"Events:IPv6PrefixBits must be 0 to 128 (it is {o.IPv6PrefixBits}).");
        if (o.MaxEventsPerRequest > 1000) failures.Add($"Events:MaxEventsPerRequest must be at most 1000 (it is {o.MaxEventsPerRequest}).");
        if (!string.IsNullOrEmpty(o.GeoIpDatabasePath) && !File.Exists(o.GeoIpDatabasePath))
            failures.Add($"Events:GeoIpDatabasePath '{o.GeoIpDatabasePath}' does not exist.");
        return failures.Select(static f => new ValidationResult(f));
    }
}

/// <summary>Source-generated start-up validator of <see cref="EventsOptions"/>: Checks the collect settings at start-up, so a typo stops the edge with one line.</summary>
[OptionsValidator]
internal sealed partial class EventsOptionsValidator : IValidateOptions<EventsOptions>;
