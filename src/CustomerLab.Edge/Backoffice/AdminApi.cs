using CustomerLab.Edge.Admin;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// The admin API's own handlers (<see cref="AdminEndpoints"/>), called by the console's pool and site forms with the
/// services they need: one validation, one set of 409 rules, one record write per change, whichever door a change
/// comes through.
/// </summary>
internal sealed class AdminApi(SiteStore sites, NumberPool pool, SiteNumbers numbers, ForwardToConflicts conflicts, SiteAdminLock siteLock,
    SiteRecorder recorder, IEnumerable<ISiteChangeObserver> observers)
{
    public SiteStore Sites => sites;
    public NumberPool Pool => pool;

    public async Task<AdminOutcome> PutSiteAsync(string siteKey, SiteRequest request) =>
        AdminOutcome.Of((await AdminEndpoints.PutSiteAsync(siteKey, request, sites, conflicts, siteLock, recorder, observers)).Result);

    public async Task<AdminOutcome> PutPoolAsync(string siteKey, string poolId, PoolRequest request) =>
        AdminOutcome.Of((await AdminEndpoints.PutPoolAsync(siteKey, poolId, request, sites, pool, numbers, conflicts, observers)).Result);

    public async Task<AdminOutcome> AddNumbersAsync(string siteKey, string poolId, IReadOnlyList<string> added) =>
        AdminOutcome.Of((await AdminEndpoints.AddNumbersAsync(siteKey, poolId, new NumbersRequest { Numbers = [.. added] }, sites, pool, numbers, conflicts, observers)).Result);

    public async Task<AdminOutcome> RetireAsync(string siteKey, string poolId, string number) =>
        AdminOutcome.Of((await AdminEndpoints.RetireNumberAsync(siteKey, poolId, number, sites, numbers)).Result);
}
