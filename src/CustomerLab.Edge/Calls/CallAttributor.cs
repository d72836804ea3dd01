using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using CustomerLab.Edge.Traffic;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Resolves (tracking number, call start) to the session that held the number then: the lease in Redis, else the
/// lease history in ClickHouse, with a grace window after a lease ended. One lease → attributed; several sessions
/// in the window (a shared overflow number, or a number reassigned within the grace) → ambiguous with the candidates;
/// none → no_lease. The attributed visitor's touches, landing page, click ids and publisher come from its pageviews
/// up to the call.
/// </summary>
internal sealed class CallAttributor(NumberIndex index, NumberPool pools, SiteStore sites, ClickHouseClient clickHouse, IOptions<CallOptions> options,
    ISiteRestorer restorer)
{
    private readonly CallOptions _options = options.Value;

    private TimeSpan Grace => TimeSpan.FromMinutes(_options.GraceMinutes);

    public async Task<Attribution> AttributeAsync(string trackingNumber, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // A number missing from the index is also what an emptied Redis looks like: restore from the record if Redis
        // lost everything, then look again.
        var owner = await index.FindAsync(trackingNumber);
        if (owner is null && await restorer.RestoreIfLostAsync()) owner = await index.FindAsync(trackingNumber);
        if (owner is null)
            return new Attribution { Status = "not_tracking_number", Reason = $"{trackingNumber} is not in any pool" };
        if (owner.IsOverflow)
            return await AttributeOverflowAsync(owner, startedAt);

        var site = await sites.GetAsync(owner.SiteKey);
        var hold = site?.Hold ?? TimeSpan.FromMinutes(30);
        var leases = await LeasesAroundAsync(owner, trackingNumber, startedAt, hold, cancellationToken);
        var covering = leases.Where(l => l.Start <= startedAt && startedAt <= l.End).ToList();
        var recent = leases.Where(l => l.End < startedAt && startedAt <= l.End + Grace).ToList();
        var basis = new Attribution { Status = "", Reason = "", SiteKey = owner.SiteKey, PoolId = owner.PoolId };

        if (covering.Count + recent.Count == 0)
            return basis with { Status = "no_lease", Reason = $"no session held {trackingNumber} at the call or in the {_options.GraceMinutes} min before it" };
        // Several lease rows of one session are one holder: a lease given back to its session after Redis lost it
        // (its first row never got an end).
        if (covering.Concat(recent).Select(l => l.SessionId).Distinct().Count() > 1)
            return basis with
            {
                Status = "ambiguous",
                Reason = $"{covering.Count + recent.Count} sessions held {trackingNumber} within {_options.GraceMinutes} min of the call",
                Candidates = covering.Concat(recent).Select(l => l.SessionId).Distinct().ToList(),
            };

        var lease = covering.Count > 0 ? covering.MaxBy(l => l.Start)! : recent.MaxBy(l => l.End)!;
        var attributed = basis with
        {
            Status = "attributed",
            Reason = covering.Count > 0 ? "the session held the number when the call started" : $"the session's lease ended {(startedAt - lease.End).TotalMinutes:0.#} min before the call, within the grace window",
            LeaseId = lease.LeaseId,
            SessionId = lease.SessionId,
            VisitorId = lease.VisitorId,
            First = new TrafficChannel(lease.Source, "", "", ""),
            Last = new TrafficChannel(lease.Source, "", "", ""),
        };
        return await AddTouchesAsync(attributed, startedAt, cancellationToken);
    }

    private async Task<Attribution> AttributeOverflowAsync(NumberOwner owner, DateTimeOffset startedAt)
    {
        var sessions = await pools.OverflowSessionsAsync(owner.SiteKey, owner.PoolId, startedAt);
        var basis = new Attribution { Status = "", Reason = "", SiteKey = owner.SiteKey, PoolId = owner.PoolId };
        return sessions.Count switch
        {
            0 => basis with { Status = "no_lease", Reason = "the pool's overflow number was called, but no session was being shown it" },
            _ => basis with
            {
                Status = "ambiguous",
                Reason = $"the pool's overflow number was called while {sessions.Count} sessions were shown it (pool exhausted)",
                Candidates = sessions,
            },
        };
    }

    private sealed record LeaseSpan(string LeaseId, string SessionId, string VisitorId, string Source, DateTimeOffset Start, DateTimeOffset End);

    /// <summary>Leases of the number that started before the call and ended no earlier than the grace window before it.</summary>
    private async Task<List<LeaseSpan>> LeasesAroundAsync(NumberOwner owner, string number, DateTimeOffset at, TimeSpan hold, CancellationToken cancellationToken)
    {
        var spans = new Dictionary<string, LeaseSpan>();
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", owner.SiteKey);
        parameters.AddParameter("number", number);
        parameters.AddParameter("at", at.UtcDateTime);
        parameters.AddParameter("grace", (uint)Grace.TotalSeconds);
        using (var reader = await clickHouse.ExecuteReaderAsync("""
            SELECT toString(lease_id), session_id, visitor_id, source, started_at, last_activity_at, ended_at
            FROM lease_history FINAL
            WHERE site_id = {site:String} AND number = {number:String} AND started_at <= {at:DateTime64(3, 'UTC')}
              AND (ended_at IS NULL OR ended_at >= {at:DateTime64(3, 'UTC')} - INTERVAL {grace:UInt32} SECOND)
            """, parameters, cancellationToken: cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var start = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc));
                var lastActivity = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc));
                // An open row whose end was never written: the lease ran out a hold after its last known activity.
                var end = reader.IsDBNull(6) ? lastActivity + hold : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc));
                spans[reader.GetString(0)] = new LeaseSpan(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), start, end);
            }
        }
        // Redis knows the live lease best (its expiry slides with every heartbeat).
        if (await pools.CurrentLeaseAsync(owner.SiteKey, owner.PoolId, number) is { } live && live.StartedAt <= at)
            spans[live.LeaseId] = new LeaseSpan(live.LeaseId, live.SessionId, live.VisitorId, live.Source, live.StartedAt, live.ExpiresAt);
        return [.. spans.Values];
    }

    /// <summary>First and last touch of the visitor, the session's landing page, click ids and publisher, from pageviews up to the call.</summary>
    /// <summary>
    /// The visitor's touches up to the call: the site's key range, and only the granules the visitor lookup index
    /// (migration 0040) says may hold the visitor. The index may be used under FINAL because every version of a pageview
    /// carries the same visitor: no newer version can hide in a granule the index skips. So the exact mode is off: in it,
    /// ClickHouse widens the index's choice again to every granule whose key range meets a chosen one, which with many
    /// parts is the site's whole key range (the visitor index then saves nothing).
    /// </summary>
    internal const string TouchesQuery = """
            SELECT
                count() AS pageviews,
                argMin((source, medium, utm_campaign, channel), timestamp),
                argMaxIf((source, medium, utm_campaign, channel), timestamp, channel NOT IN ('internal', 'direct')),
                argMinIf(url, timestamp, session_id = {session:String}),
                max(timestamp),
                argMaxIf(click_id, timestamp, click_id_type = 'gclid'),
                argMaxIf(click_id, timestamp, click_id_type = 'gbraid'),
                argMaxIf(click_id, timestamp, click_id_type = 'wbraid'),
                argMaxIf(click_id, timestamp, click_id_type = 'msclkid'),
                argMaxIf(click_id, timestamp, click_id_type = 'fbclid'),
                argMaxIf(click_id, timestamp, click_id_type = 'ttclid'),
                argMaxIf(click_id, timestamp, click_id_type = 'li_fat_id'),
                argMaxIf(extractURLParameter(url, {pub:String}), timestamp, extractURLParameter(url, {pub:String}) != '')
            FROM pageviews FINAL
            WHERE site_id = {site:String} AND visitor_id = {visitor:String} AND timestamp <= {at:DateTime64(3, 'UTC')}
            SETTINGS use_skip_indexes_if_final = 1, use_skip_indexes_if_final_exact_mode = 0
        """;

    private async Task<Attribution> AddTouchesAsync(Attribution attribution, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", attribution.SiteKey);
        parameters.AddParameter("visitor", attribution.VisitorId);
        parameters.AddParameter("session", attribution.SessionId);
        parameters.AddParameter("at", at.UtcDateTime);
        parameters.AddParameter("pub", _options.PublisherParameter);
        using var reader = await clickHouse.ExecuteReaderAsync(TouchesQuery, parameters, cancellationToken: cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || Convert.ToUInt64(reader.GetValue(0)) == 0)
            return attribution;

        var first = (ITuple)reader.GetValue(1);
        var last = (ITuple)reader.GetValue(2);
        var lastSeen = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc));
        string[] clickIdNames = ["gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id"];
        var clickIds = new Dictionary<string, string>();
        for (var i = 0; i < clickIdNames.Length; i++)
            if (reader.GetString(5 + i) is { Length: > 0 } value) clickIds[clickIdNames[i]] = value;
        var firstTouch = ToTouch(first);
        var lastTouch = ToTouch(last);
        return attribution with
        {
            First = firstTouch,
            // No outside touch after the first visit: the first touch is also the last.
            Last = lastTouch.Channel.Length == 0 ? firstTouch : lastTouch,
            LandingPage = reader.GetString(3),
            ClickIds = clickIds,
            PublisherId = reader.GetString(12),
            SecondsSinceLastPageview = (int)Math.Max(0, (at - lastSeen).TotalSeconds),
        };
    }

    private static TrafficChannel ToTouch(ITuple tuple) =>
        new((string)tuple[0]!, (string)tuple[1]!, (string)tuple[2]!, (string)tuple[3]!);
}
