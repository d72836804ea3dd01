using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Redis;

/// <summary>Checks the Redis settings at start-up so a typo stops the edge before the first request.</summary>
internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var failures = new List<string>();
        if (!options.UsesEmbeddedServer && !RedisUrl.TryParse(options.Url!, out _, out var error))
            failures.Add($"Redis:Url '{options.Url}' is not a Redis URL ({error}).");
        if (options.EmbeddedPort is < 1 or > 65535)
            failures.Add($"Redis:EmbeddedPort {options.EmbeddedPort} is not a TCP port.");
        if (options.UsesEmbeddedServer && string.IsNullOrWhiteSpace(options.EmbeddedDataPath))
            failures.Add("Redis:EmbeddedDataPath is required when Redis:Url is empty.");
        if (options.ConnectTimeoutMs <= 0) failures.Add("Redis:ConnectTimeoutMs must be positive.");
        if (options.CommandTimeoutMs <= 0) failures.Add("Redis:CommandTimeoutMs must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
