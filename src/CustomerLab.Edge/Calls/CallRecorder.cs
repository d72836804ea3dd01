using System.Text.Json;
using System.Text.Json.Serialization;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Phones;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Turns each webhook into the call's one row in ClickHouse <c>calls</c>. The first event of a call fixes its start
/// and its attribution (kept in Redis for two days, so later events of the lifecycle reuse them); every event
/// writes the whole row with a version that only grows with the lifecycle, so the table keeps one row per call.
/// The write is synchronous: a webhook is acknowledged only once its row is stored (else 503, and the provider retries).
/// </summary>
internal sealed partial class CallRecorder(CallAttributor attributor, IConnectionMultiplexer redis, ClickHouseClient clickHouse, SchemaState schema,
    TimeProvider time, ILogger<CallRecorder> logger)
{
    /// <summary>How long a call's state is kept in Redis for its later webhooks.</summary>
    private static readonly TimeSpan StateLifetime = TimeSpan.FromDays(2);

    /// <summary>Version = rank × 10^13 + event ms: ms since 1970 stay below 10^13 until the year 2286.</summary>
    private const ulong RankWeight = 10_000_000_000_000;

    private static readonly string[] Columns =
    [
        "call_id", "provider", "site_id", "pool_id", "tracking_number", "caller_number", "caller_region", "caller_country", "direction",
        "status", "started_at", "duration_seconds", "attribution_status", "attribution_reason", "lease_id", "session_id", "visitor_id",
        "candidate_sessions", "first_source", "first_medium", "first_campaign", "first_channel", "last_source", "last_medium",
        "last_campaign", "last_channel", "landing_page", "gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id",
        "publisher_id", "seconds_since_last_pageview", "previous_calls", "first_call_id", "updated_at", "version",
    ];

    /// <summary>What stays fixed across a call's webhooks.</summary>
    internal sealed record CallState(DateTimeOffset StartedAt, string TrackingNumber, string Caller, string CallerRegion, string CallerCountry,
        Attribution Attribution, uint PreviousCalls, string FirstCallId, int Rank, string Status, int Duration);

    /// <summary>Longest wait for the schema at start-up before a webhook is answered 503 (the provider retries).</summary>
    private static readonly TimeSpan SchemaWait = TimeSpan.FromSeconds(10);

    public async Task<CallState> RecordAsync(CallEvent e, CancellationToken cancellationToken)
    {
        await schema.WhenReady(cancellationToken).WaitAsync(SchemaWait, cancellationToken);
        var key = (RedisKey)$"cl:call:{e.Provider}:{e.CallId}";
        var db = redis.GetDatabase();
        CallState state;
        var stored = await db.StringGetAsync(key);
        if (stored.IsNull)
        {
            var tracking = PhoneNumberParsing.DescribeCaller(e.To).Number;
            var (caller, region, country) = PhoneNumberParsing.DescribeCaller(e.From);
            var attribution = e.Direction.StartsWith("inbound", StringComparison.OrdinalIgnoreCase) || e.Direction.Length == 0
                ? await attributor.AttributeAsync(tracking, e.EventAt, cancellationToken)
                : new Attribution { Status = "not_tracking_number", Reason = $"{e.Direction} call" };
            var (previous, firstCallId) = await PreviousCallsAsync(attribution.SiteKey, caller, e.EventAt, e.CallId, cancellationToken);
            state = new CallState(e.EventAt, tracking, caller, region, country, attribution, previous, firstCallId, e.Rank, e.Status, e.DurationSeconds ?? 0);
            // Two webhooks of one call at once: the first state written wins, the other adopts it.
            if (!await db.StringSetAsync(key, Serialize(state), StateLifetime, When.NotExists))
                state = Merge(Deserialize((await db.StringGetAsync(key))!), e);
        }
        else
        {
            state = Merge(Deserialize(stored!), e);
        }
        await db.StringSetAsync(key, Serialize(state), StateLifetime);
        await InsertAsync(e, state, cancellationToken);
        LogRecorded(logger, e.Provider, e.CallId, state.Status, state.Attribution.Status);
        return state;
    }

    /// <summary>A later state replaces an earlier one; a late earlier state changes nothing.</summary>
    private static CallState Merge(CallState state, CallEvent e) =>
        e.Rank >= state.Rank
            ? state with { Rank = e.Rank, Status = e.Status, Duration = Math.Max(state.Duration, e.DurationSeconds ?? 0) }
            : state;

    private async Task<(uint Count, string FirstCallId)> PreviousCallsAsync(string siteKey, string caller, DateTimeOffset before, string callId, CancellationToken cancellationToken)
    {
        if (siteKey.Length == 0 || caller.Length == 0 || !caller.StartsWith('+')) return (0, callId);
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", siteKey);
        parameters.AddParameter("caller", caller);
        parameters.AddParameter("at", before.UtcDateTime);
        parameters.AddParameter("call", callId);
        using var reader = await clickHouse.ExecuteReaderAsync("""
            SELECT count(), argMin(call_id, started_at)
            FROM calls FINAL
            WHERE site_id = {site:String} AND caller_number = {caller:String} AND started_at < {at:DateTime64(3, 'UTC')} AND call_id != {call:String}
            """, parameters, cancellationToken: cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = Convert.ToUInt32(reader.GetValue(0));
        return count == 0 ? (0, callId) : (count, reader.GetString(1));
    }

    private async Task InsertAsync(CallEvent e, CallState s, CancellationToken cancellationToken)
    {
        var a = s.Attribution;
        string Click(string name) => a.ClickIds.TryGetValue(name, out var v) ? v : "";
        var now = time.GetUtcNow();
        object?[] row =
        [
            e.CallId, e.Provider, a.SiteKey, a.PoolId, s.TrackingNumber, s.Caller, s.CallerRegion, s.CallerCountry, e.Direction,
            s.Status, s.StartedAt.UtcDateTime, (uint)s.Duration, a.Status, a.Reason, a.LeaseId, a.SessionId, a.VisitorId,
            a.Candidates.ToArray(), a.First.Source, a.First.Medium, a.First.Campaign, a.First.Channel, a.Last.Source, a.Last.Medium,
            a.Last.Campaign, a.Last.Channel, a.LandingPage, Click("gclid"), Click("gbraid"), Click("wbraid"), Click("msclkid"),
            Click("fbclid"), Click("ttclid"), Click("li_fat_id"), a.PublisherId, a.SecondsSinceLastPageview is { } sec ? (uint?)sec : null,
            s.PreviousCalls, s.FirstCallId, now.UtcDateTime, (ulong)s.Rank * RankWeight + (ulong)e.EventAt.ToUnixTimeMilliseconds(),
        ];
        await clickHouse.InsertBinaryAsync("calls", Columns, [row], cancellationToken: cancellationToken);
    }

    private static string Serialize(CallState state) => JsonSerializer.Serialize(state, CallJson.Default.CallState);

    private static CallState Deserialize(string json) => JsonSerializer.Deserialize(json, CallJson.Default.CallState)!;

    [LoggerMessage(8001, LogLevel.Information, "Call {Provider}/{CallId} {Status}: {Attribution}", EventName = "CallRecorded")]
    private static partial void LogRecorded(ILogger logger, string provider, string callId, string status, string attribution);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CallRecorder.CallState))]
internal sealed partial class CallJson : JsonSerializerContext;
