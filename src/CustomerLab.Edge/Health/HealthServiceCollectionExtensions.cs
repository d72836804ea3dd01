using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Redis;

namespace CustomerLab.Edge.Health;

internal static class HealthServiceCollectionExtensions
{
    /// <summary>The readiness checks: Redis and ClickHouse answer.</summary>
    public static IServiceCollection AddEdgeHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ClickHouseHealthCheck>("clickhouse", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
