using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Routing;

/// <summary>After an admin change on this edge: its routing table is rebuilt at once (other edges follow on their timer).</summary>
internal static class CallRoutesChanged
{
    public static async Task RefreshAsync(CallRouter router)
    {
        try
        {
            await router.RefreshAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The change is stored; the periodic refresh picks it up once Redis answers again.
        }
    }
}
