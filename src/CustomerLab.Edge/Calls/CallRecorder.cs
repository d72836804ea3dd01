using System.Text.Json;
using System.Text.Json.Serialization;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Phones;
using CustomerLab.Edge.Redis;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Turns call events into the call's one row in ClickHouse <c>calls</c>. The first event of a call fixes its start
/// and its attribution (kept with the rest of its <see cref="CallState"/> in Redis for two days, so later events of the
/// lifecycle reuse them). Two ways in:
/// <list type="bullet">
/// <item><see cref="RecordAsync"/> (the generic webhook, synchronous): every event writes the whole row with a version
/// that only grows with the lifecycle, so ReplacingMergeTree keeps one row per call; the webhook is answered after.</item>
/// <item><see cref="ApplyAsync"/> (events from the durable call-event spool, e.g. Twilio's callbacks): the row is written
/// once, when the caller's call has ended, and again only if a later event changes it; each write carries the state's
/// revision as its deduplication token, so an event applied twice (a replay after a crash) stores nothing twice.</item>
/// </list>
/// </summary>
internal sealed partial class CallRecorder(CallAttributor attributor, IConnectionMultiplexer redis, ClickHouseClient clickHouse, SchemaState schema,
    Recordings.CallRecordingWriter recordings, Sites.SiteStore sites, TimeProvider time, ILogger<CallRecorder> logger)
{
    /// <summary>How long a call's state is kept in Redis for its later webhooks.</summary>
    private static readonly TimeSpan StateLifetime = TimeSpan.FromDays(2);

    private static readonly string[] Columns =
    [
        "call_id", "provider", "site_id", "pool_id", "tracking_number", "caller_number", "caller_region", "caller_country", "direction",
        "status", "started_at", "duration_seconds", "attribution_status", "attribution_reason", "lease_id", "session_id", "visitor_id",
        "candidate_sessions", "first_source", "first_medium", "first_campaign", "first_channel", "last_source", "last_medium",
        "last_campaign", "last_channel", "landing_page", "gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id",
        "publisher_id", "seconds_since_last_pageview", "previous_calls", "first_call_id", "answered", "talk_seconds", "dial_status",
        "forwarded_to", "recording_notice", "caller_notice_at", "business_notice_at", "test_call", "qualified", "qualification_reason", "payout", "payout_currency", "simulated", "updated_at", "version",
    ];

    /// <summary>Longest wait for the schema at start-up before a webhook is answered 503 (the provider retries).</summary>
    private static readonly TimeSpan SchemaWait = TimeSpan.FromSeconds(10);

    public async Task<CallState> RecordAsync(CallEvent e, CancellationToken cancellationToken)
    {
        await schema.WhenReady(cancellationToken).WaitAsync(SchemaWait, cancellationToken);
        var (_, state) = await MergeAsync(e, cancellationToken);
        await InsertAsync(e.Provider, e.CallId, e.Direction, state, token: null, cancellationToken);
        LogRecorded(logger, e.Provider, e.CallId, state.Status, state.Attribution.Status);
        return state;
    }

    /// <summary>Applies one spooled event; throws on a store failure (the caller retries the same event).</summary>
    public async Task ApplyAsync(CallEvent e, CancellationToken cancellationToken)
    {
        var (json, state) = await MergeAsync(e, cancellationToken);
        if (e.Leg == CallEvent.RecordingLeg)
        {
            await recordings.InsertAsync(e, state, cancellationToken);
            return;
        }
        if (!state.IsFinal || state.WrittenRevision >= state.Revision) return;
        await InsertAsync(e.Provider, e.CallId, e.Direction, state, $"{e.Provider}:{e.CallId}:{state.Revision}", cancellationToken);
        // Lost only when another edge changed the state meanwhile: it writes that newer revision itself.
        await RedisScript.CompareAndSet.EvaluateAsync(redis.GetDatabase(), [StateKey(e)],
            [json, Serialize(state with { WrittenRevision = state.Revision }), (long)StateLifetime.TotalSeconds]);
        LogRecorded(logger, e.Provider, e.CallId, state.Status, state.Attribution.Status);
    }

    private static RedisKey StateKey(CallEvent e) => StateKey(e.Provider, e.CallId);

    private static RedisKey StateKey(string provider, string callId) => $"cl:call:{provider}:{callId}";

    /// <summary>The call's state as Redis has it now (null when none); for answers that need the attribution early (the whisper).</summary>
    public async Task<CallState?> PeekAsync(string provider, string callId)
    {
        var stored = await redis.GetDatabase().StringGetAsync(StateKey(provider, callId));
        return stored.IsNull ? null : Deserialize(stored!);
    }

    /// <summary>The state after <paramref name="e"/>, stored (compare-and-set, retried while other edges change it), with its JSON.</summary>
    private async Task<(string Json, CallState State)> MergeAsync(CallEvent e, CancellationToken cancellationToken)
    {
        var key = StateKey(e);
        var db = redis.GetDatabase();
        while (true)
        {
            var stored = await db.StringGetAsync(key);
            var before = stored.IsNull ? await NewStateAsync(e, cancellationToken) : Deserialize(stored!);
            var after = before.Merge(e);
            if (!stored.IsNull && ReferenceEquals(after, before)) return (stored!, before);
            var json = Serialize(after);
            if ((int)await RedisScript.CompareAndSet.EvaluateAsync(db, [key], [stored.IsNull ? "" : stored, json, (long)StateLifetime.TotalSeconds]) == 1)
                return (json, after);
        }
    }

    private async Task<CallState> NewStateAsync(CallEvent e, CancellationToken cancellationToken)
    {
        var tracking = PhoneNumberParsing.DescribeCaller(e.To).Number;
        // The business leg's From is the caller id shown to the business, not necessarily the caller.
        var (caller, region, country) = PhoneNumberParsing.DescribeCaller(e.Leg == CallEvent.CallerLeg ? e.From : "");
        // No state, yet the call is past ringing: Redis lost it mid-call (emptied, or restarted without persistence). The
        // call began before this event: when its stored row says, so its start and its attribution stay what they were.
        var startedAt = e.Rank >= 2 ? await StoredStartAsync(e, cancellationToken) ?? e.EventAt : e.EventAt;
        var attribution = e.Direction.StartsWith("inbound", StringComparison.OrdinalIgnoreCase) || e.Direction.Length == 0
            ? await attributor.AttributeAsync(tracking, startedAt, cancellationToken)
            : new Attribution { Status = "not_tracking_number", Reason = $"{e.Direction} call" };
        var (previous, firstCallId, latest) = await PreviousCallsAsync(attribution.SiteKey, caller, startedAt, e.CallId, cancellationToken);
        return new CallState(startedAt, tracking, caller, region, country, attribution, previous, firstCallId, Rank: 0, Status: "", Duration: 0)
        {
            PreviousCallMs = latest,
        };
    }

    /// <summary>
    /// When a call already stored began (null: no row yet). Every row of a call carries its start, so the earliest of
    /// them is it, read without FINAL. Calls through the call-event spool (Twilio) are stored only once they end, so
    /// their start is found only when Redis lost the state after that.
    /// </summary>
    private async Task<DateTimeOffset?> StoredStartAsync(CallEvent e, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("provider", e.Provider);
        parameters.AddParameter("call", e.CallId);
        using var reader = await clickHouse.ExecuteReaderAsync(
            "SELECT count(), min(started_at) FROM calls WHERE provider = {provider:String} AND call_id = {call:String}", parameters, cancellationToken: cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Convert.ToUInt64(reader.GetValue(0)) == 0 ? null : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
    }

    /// <summary>The caller's earlier calls to the site: how many, the first one's id, and when the latest started (Unix ms);
    /// the site's key range, and only the granules the caller lookup index (migration 0040) says may hold the caller.</summary>
    internal const string PreviousCallsQuery = """
        SELECT uniqExact(call_id), argMin(call_id, started_at), toUnixTimestamp64Milli(max(started_at))
        FROM calls
        WHERE site_id = {site:String} AND caller_number = {caller:String} AND started_at < {at:DateTime64(3, 'UTC')} AND call_id != {call:String}
        """;

    private async Task<(uint Count, string FirstCallId, long LatestMs)> PreviousCallsAsync(string siteKey, string caller, DateTimeOffset before, string callId, CancellationToken cancellationToken)
    {
        if (siteKey.Length == 0 || caller.Length == 0 || !caller.StartsWith('+')) return (0, callId, 0);
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", siteKey);
        parameters.AddParameter("caller", caller);
        parameters.AddParameter("at", before.UtcDateTime);
        parameters.AddParameter("call", callId);
        // No FINAL: a call's row versions share its call_id and started_at, so counting distinct ids and taking the
        // earliest id read the same answer from the unmerged parts, without merging every part of the site at query time.
        using var reader = await clickHouse.ExecuteReaderAsync(PreviousCallsQuery, parameters, cancellationToken: cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = Convert.ToUInt32(reader.GetValue(0));
        return count == 0 ? (0, callId, 0) : (count, reader.GetString(1), Convert.ToInt64(reader.GetValue(2)));
    }

    private async Task InsertAsync(string provider, string callId, string direction, CallState s, string? token, CancellationToken cancellationToken)
    {
        var a = s.Attribution;
        // Judged when the call's row is written at its end, under the site's rules as they are now.
        var verdict = !s.IsFinal ? Payouts.PayoutVerdict.NotJudged
            : a.SiteKey.Length == 0 ? Payouts.PayoutVerdict.NoRules
            : Payouts.PayoutJudge.Judge(s, (await sites.GetAsync(a.SiteKey))?.Calls.Payouts);
        string Click(string name) => a.ClickIds.TryGetValue(name, out var v) ? v : "";
        object?[] row =
        [
            callId, provider, a.SiteKey, a.PoolId, s.TrackingNumber, s.Caller, s.CallerRegion, s.CallerCountry, direction,
            s.Status, s.StartedAt.UtcDateTime, (uint)s.Duration, a.Status, a.Reason, a.LeaseId, a.SessionId, a.VisitorId,
            a.Candidates.ToArray(), a.First.Source, a.First.Medium, a.First.Campaign, a.First.Channel, a.Last.Source, a.Last.Medium,
            a.Last.Campaign, a.Last.Channel, a.LandingPage, Click("gclid"), Click("gbraid"), Click("wbraid"), Click("msclkid"),
            Click("fbclid"), Click("ttclid"), Click("li_fat_id"), a.PublisherId, a.SecondsSinceLastPageview is { } sec ? (uint?)sec : null,
            s.PreviousCalls, s.FirstCallId, s.Answered, (uint)s.TalkSeconds, s.DialStatus, s.ForwardedTo, s.RecordingNotice, UtcOrNull(s.CallerNoticeMs),
            UtcOrNull(s.BusinessNoticeMs), verdict.TestCall, verdict.Qualified, verdict.Reason, verdict.Payout, verdict.Currency,
            s.Simulated, time.GetUtcNow().UtcDateTime, s.Version,
        ];
        // The same revision written again (after a crash between the insert and the state update) is dropped by its token.
        await clickHouse.InsertBinaryAsync("calls", Columns, [row], clickHouse.InsertOptions(schema.IsReady, deduplicationToken: token), cancellationToken: cancellationToken);
    }

    /// <summary>A Unix-ms time as a UTC DateTime, or null for 0 (never).</summary>
    public static DateTime? UtcOrNull(long ms) => ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    private static string Serialize(CallState state) => JsonSerializer.Serialize(state, CallJson.Default.CallState);

    private static CallState Deserialize(string json) => JsonSerializer.Deserialize(json, CallJson.Default.CallState)!;

    [LoggerMessage(8001, LogLevel.Information, "Call {Provider}/{CallId} {Status}: {Attribution}", EventName = "CallRecorded")]
    private static partial void LogRecorded(ILogger logger, string provider, string callId, string status, string attribution);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CallState))]
[JsonSerializable(typeof(CallEvent))]
internal sealed partial class CallJson : JsonSerializerContext;
