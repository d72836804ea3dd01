using CustomerLab.Edge.Cookies;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Decides whether a renewal can be acknowledged from the session's signed lease cookie, without Redis. Most renewals
/// come soon after the last one (a visitor moving from page to page), when the lease in Redis still has nearly its
/// whole hold to run. The cookie's answer is only given while
/// <list type="bullet">
/// <item>the lease it names has more than (1 − <see cref="NumbersOptions.SignedRenewalShare"/>) × hold to run, so the
/// request that finds less goes to Redis and slides the lease long before it could expire (no lease lapses while its
/// visitor is active);</item>
/// <item>the site's lease generation is the one the cookie was written under (<see cref="LeaseGenerations"/>): a
/// lease ended early (opt-out, a deletion request) or lost with Redis's data sends the session back to Redis.</item>
/// </list>
/// </summary>
public sealed class SignedRenewals(LeaseGenerations generations, IOptions<NumbersOptions> options)
{
    private readonly double _share = options.Value.SignedRenewalShare;

    public bool CanAcknowledge(LeaseCookieValue? lease, string siteKey, TimeSpan hold, DateTimeOffset now) =>
        _share > 0
        && lease is { Generation: { } generation }
        && lease.ExpiresAt - now > hold * (1 - _share)
        && generations.Known(siteKey) == generation;
}
