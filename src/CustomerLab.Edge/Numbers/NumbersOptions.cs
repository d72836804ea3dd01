using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Numbers;

/// <summary>Limits of <c>POST /v1/number</c>.</summary>
public sealed class NumbersOptions
{
    public const string Section = "Numbers";

    /// <summary>
    /// Longest wait for Redis, in milliseconds, before answering with the default number. The default is 40 ms, so
    /// the endpoint answers within 50 ms when Redis is unreachable.
    /// </summary>
    [Range(1, 60_000)]
    public int RedisTimeoutMs { get; set; } = 40;

    /// <summary>
    /// Longest wait for an assignment, in milliseconds, while Redis keeps answering other requests (a healthy Redis
    /// under a burst): within it a visitor gets its number instead of a false fallback. A Redis that answers nothing at
    /// all still gets only <see cref="RedisTimeoutMs"/>. The default is 1,000 ms.
    /// </summary>
    [Range(1, 60_000)]
    public int RedisMaxWaitMs { get; set; } = 1000;

    /// <summary>
    /// Most assignments one edge has with Redis at once; the rest wait their turn (within the same bounds). A burst then
    /// reaches Redis as short pipelines, each answered well within <see cref="RedisTimeoutMs"/>, instead of one long one
    /// whose replies all come after it. The default is 16.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxAssignmentsInFlight { get; set; } = 16;

    /// <summary>Largest accepted request body, in bytes. The default is 8 KiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = 8 * 1024;

    /// <summary>Longest accepted page or referrer URL, in characters. The default is 4,096.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUrlLength { get; set; } = 4096;
}

/// <summary>Source-generated start-up validator of <see cref="NumbersOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class NumbersOptionsValidator : IValidateOptions<NumbersOptions>;
