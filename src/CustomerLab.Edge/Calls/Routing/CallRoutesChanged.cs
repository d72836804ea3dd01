using CustomerLab.Edge.Sites;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Routing;

/// <summary>After an admin change on this edge: its routing table is rebuilt at once (other edges follow on their timer).</summary>
internal sealed class CallRoutesChanged(CallRouter router) : ISiteChangeObserver
{
    public async Task SitesChangedAsync()
    {
        try
        {
            await router.RefreshAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or SiteStoreUnavailableException)
        {
            // The change is stored; the periodic refresh picks it up once Redis answers again.
        }
    }
}
