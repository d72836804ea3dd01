using ClickHouse.Driver;
using StackExchange.Redis;

namespace CustomerLab.Edge.Http;

/// <summary>What a store that cannot answer throws: Redis, ClickHouse over HTTP, a timeout, or a disk.</summary>
internal static class StoreFailures
{
    /// <summary>
    /// True for a store failure, also an HTTP client's own timeout (a cancellation the request did not ask for), and
    /// never for the request being aborted by its client.
    /// </summary>
    public static bool IsStoreFailure(Exception ex, CancellationToken requestAborted) =>
        !requestAborted.IsCancellationRequested
        && ex is RedisException or HttpRequestException or ClickHouseServerException or TimeoutException or IOException or OperationCanceledException;
}
