using System.Globalization;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>A pageview of a journey.</summary>
internal sealed record JourneyPageview(DateTime At, string Url, string Title, string Referrer, string Utm);

/// <summary>A session in summary: when, how many pages, where it landed and came from.</summary>
internal sealed record JourneySession(string SessionId, DateTime First, DateTime Last, ulong Pageviews, string LandingPage, string Source);

/// <summary>An earlier call of the same visitor.</summary>
internal sealed record JourneyCall(string CallId, DateTime StartedAt, uint DurationSeconds, bool Answered, string AttributionStatus);

/// <summary>The pageviews, sessions and calls behind a call's journey (<c>pageviews</c> and <c>calls</c>, one site at a time).</summary>
internal sealed class JourneyReader(ClickHouseClient clickHouse)
{
    private const int MaxPageviews = 200, MaxEarlier = 20;

    /// <summary>The session's pageviews up to the call, in order.</summary>
    public Task<List<JourneyPageview>> PageviewsAsync(string site, string session, DateTime until, CancellationToken cancellationToken) =>
        ReadAsync("""
            SELECT timestamp, url, title, referrer, arrayStringConcat(arrayFilter(x -> x != '', [utm_source, utm_medium, utm_campaign, utm_term, utm_content]), ' / ')
            FROM pageviews FINAL
            WHERE site_id = {site:String} AND session_id = {session:String} AND timestamp <= {until:DateTime64(3, 'UTC')} AND event_name = 'pageview'
            ORDER BY timestamp LIMIT {limit:UInt32}
            """, Parameters(site, session, "", until, MaxPageviews),
            r => new JourneyPageview(Utc(r.GetDateTime(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), cancellationToken);

    /// <summary>Sessions in summary: the visitor's others before the call (<paramref name="visitor"/>), or the named ones (<paramref name="sessions"/>).</summary>
    public Task<List<JourneySession>> SessionsAsync(string site, string visitor, string excludeSession, IReadOnlyList<string>? sessions, DateTime until,
        CancellationToken cancellationToken)
    {
        var parameters = Parameters(site, excludeSession, visitor, until, MaxEarlier);
        parameters.AddParameter("sessions", (sessions ?? []).ToArray());
        var which = sessions is null
            ? "visitor_id = {visitor:String} AND session_id != {session:String}"
            : "session_id IN {sessions:Array(String)}";
        return ReadAsync($$"""
            SELECT session_id, min(timestamp), max(timestamp), count(), argMin(url, timestamp),
                   argMin(arrayStringConcat(arrayFilter(x -> x != '', [source, medium, channel]), ' / '), timestamp)
            FROM pageviews FINAL
            WHERE site_id = {site:String} AND {{which}} AND timestamp <= {until:DateTime64(3, 'UTC')}
            GROUP BY session_id ORDER BY min(timestamp) DESC LIMIT {limit:UInt32}
            """, parameters,
            r => new JourneySession(r.GetString(0), Utc(r.GetDateTime(1)), Utc(r.GetDateTime(2)), Convert.ToUInt64(r.GetValue(3), CultureInfo.InvariantCulture),
                r.GetString(4), r.GetString(5)), cancellationToken);
    }

    /// <summary>The visitor's calls to the site before this one, newest first.</summary>
    public Task<List<JourneyCall>> EarlierCallsAsync(string site, string visitor, string callId, DateTime before, CancellationToken cancellationToken)
    {
        var parameters = Parameters(site, "", visitor, before, MaxEarlier);
        parameters.AddParameter("call", callId);
        return ReadAsync("""
            SELECT call_id, started_at, duration_seconds, answered, attribution_status FROM calls FINAL
            WHERE site_id = {site:String} AND visitor_id = {visitor:String} AND visitor_id != '' AND call_id != {call:String}
              AND started_at < {until:DateTime64(3, 'UTC')}
            ORDER BY started_at DESC LIMIT {limit:UInt32}
            """, parameters,
            r => new JourneyCall(r.GetString(0), Utc(r.GetDateTime(1)), Convert.ToUInt32(r.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToBoolean(r.GetValue(3), CultureInfo.InvariantCulture), r.GetString(4)), cancellationToken);
    }

    private static ClickHouseParameterCollection Parameters(string site, string session, string visitor, DateTime until, int limit)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site);
        parameters.AddParameter("session", session);
        parameters.AddParameter("visitor", visitor);
        parameters.AddParameter("until", until);
        parameters.AddParameter("limit", (uint)limit);
        return parameters;
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private async Task<List<T>> ReadAsync<T>(string sql, ClickHouseParameterCollection parameters, Func<System.Data.Common.DbDataReader, T> map,
        CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        using var reader = await clickHouse.ExecuteReaderAsync(sql, parameters, cancellationToken: cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(map(reader));
        return rows;
    }
}
