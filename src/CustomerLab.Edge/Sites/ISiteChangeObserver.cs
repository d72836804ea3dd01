namespace CustomerLab.Edge.Sites;

/// <summary>
/// Told after an admin change to a site, its pools or its numbers has been stored through this edge, so state kept
/// from the sites (such as the call routing table) follows at once instead of on its next refresh. An observer must
/// not throw: the change is already stored and acknowledged.
/// </summary>
public interface ISiteChangeObserver
{
    Task SitesChangedAsync();
}
