using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerLab.Edge.Tag;

/// <summary>
/// Ready when every file of the built tag is loaded: an edge that cannot serve the tag should not get client sites'
/// traffic, and without its extension split numbers and shadow roots would quietly keep the site's own numbers.
/// </summary>
internal sealed class TagHealthCheck(TagAssets tag) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var builds = tag.All.Select(a => (Asset: a, Build: a.Current)).ToList();
        return Task.FromResult(builds.All(b => b.Build is not null)
            ? HealthCheckResult.Healthy(string.Join("; ", builds.Select(b => $"{b.Asset.FileName} {b.Build!.Version}, {b.Build.Raw.Length} B, {b.Build.Gzip.Length} B gzip")))
            : HealthCheckResult.Unhealthy(string.Join(" ", builds.Where(b => b.Build is null).Select(b => b.Asset.MissingReason))));
    }
}
