using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Redis;

/// <summary>The start-up checks of <see cref="RedisOptions"/> beyond its attributes (run by <see cref="RedisOptionsValidator"/>).</summary>
partial class RedisOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var options = this;
        var failures = new List<string>();
        if (!options.UsesEmbeddedServer && !RedisUrl.TryParse(options.Url!, out _, out var error))
            failures.Add($"Redis:Url '{options.Url}' is not a Redis URL ({error}).");
        if (options.EmbeddedPort is < 1 or > 65535)
            failures.Add($"Redis:EmbeddedPort {options.EmbeddedPort} is not a TCP port.");
        if (options.UsesEmbeddedServer && string.IsNullOrWhiteSpace(options.EmbeddedDataPath))
            failures.Add("Redis:EmbeddedDataPath is required when Redis:Url is empty.");
        if (options.ConnectTimeoutMs <= 0) failures.Add("Redis:ConnectTimeoutMs must be positive.");
        if (options.CommandTimeoutMs <= 0) failures.Add("Redis:CommandTimeoutMs must be positive.");
        return failures.Select(static f => new ValidationResult(f));
    }
}

/// <summary>Source-generated start-up validator of <see cref="RedisOptions"/>: Checks the Redis settings at start-up so a typo stops the edge before the first request.</summary>
[OptionsValidator]
internal sealed partial class RedisOptionsValidator : IValidateOptions<RedisOptions>;
