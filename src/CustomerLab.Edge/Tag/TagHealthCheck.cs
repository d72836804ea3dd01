using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerLab.Edge.Tag;

/// <summary>Ready when the built tag is loaded: an edge that cannot serve the tag should not get client sites' traffic.</summary>
internal sealed class TagHealthCheck(TagAsset tag) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(tag.Current is { } build
            ? HealthCheckResult.Healthy($"tag {build.Version}, {build.Raw.Length} B, {build.Gzip.Length} B gzip")
            : HealthCheckResult.Unhealthy(tag.MissingReason));
}
