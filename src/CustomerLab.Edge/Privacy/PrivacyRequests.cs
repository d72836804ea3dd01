using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Privacy;

/// <summary>
/// Access (export) and deletion requests about a visitor id or a caller's phone number, over Redis and ClickHouse,
/// each recorded in <c>privacy_audit</c> with only a keyed hash of the subject.
/// <para>
/// Visitor: Redis (every site's sticky key <c>cl:{site}:v:ID</c>; live leases whose info names the visitor, which
/// deletion releases without writing lease history; the session keys <c>cl:{site}:s:SESSION</c> and overflow entries
/// of the visitor's sessions; the call states of calls attributed to the visitor) and ClickHouse (pageviews,
/// sessions_agg, lease_history, calls rows carrying the visitor id). Phone: calls whose caller is the number and their
/// Redis call states. ClickHouse rows go with lightweight <c>DELETE FROM</c> (synchronous by default).
/// </para>
/// <para>
/// A deletion covers what is stored when it runs; what is still on its way (spooled events, buffered lease-history
/// rows) lands later. So each completed deletion schedules a follow-up (<see cref="PrivacyFollowUpQueue"/>), which
/// <see cref="PrivacyFollowUpService"/> runs as <see cref="FollowUpAsync"/>.
/// </para>
/// </summary>
public sealed partial class PrivacyRequests(IConnectionMultiplexer redis, ClickHouseClient clickHouse, SchemaState schema, SiteStore sites, NumberPool pools,
    PrivacyFollowUpQueue followUps, Calls.Recordings.RecordingDeletionQueue twilioDeletions, IOptions<PrivacyOptions> options, IOptions<CookieSettings> cookieSettings, TimeProvider time,
    ILogger<PrivacyRequests> logger)
{
    private readonly PrivacyOptions _options = options.Value;
    private readonly byte[] _auditKey = AuditKeyFrom(options.Value, cookieSettings.Value);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Everything held about the subject, as one JSON object; recorded in the audit table.</summary>
    public Task<PrivacyOutcome> ExportAsync(PrivacySubject subject, string requestedBy, CancellationToken cancellationToken) =>
        RunAsync("export", subject, requestedBy, delete: false, followUp: false, cancellationToken);

    /// <summary>
    /// Removes everything held about the subject and schedules the follow-up pass; returns what was removed (counts
    /// only) and when the follow-up is due; recorded in the audit table. Not reported as completed unless the follow-up
    /// is scheduled too (a retry of a failed request is harmless: deleting again finds nothing).
    /// </summary>
    public Task<PrivacyOutcome> DeleteAsync(PrivacySubject subject, string requestedBy, CancellationToken cancellationToken) =>
        RunAsync("delete", subject, requestedBy, delete: true, followUp: true, cancellationToken);

    /// <summary>
    /// The follow-up pass of an earlier deletion: the same deletion, audited as <c>requested_by = 'follow-up'</c>, and
    /// scheduling no further pass (so follow-ups end).
    /// </summary>
    public Task<PrivacyOutcome> FollowUpAsync(PrivacySubject subject, CancellationToken cancellationToken) =>
        RunAsync("delete", subject, PrivacyFollowUpQueue.RequestedBy, delete: true, followUp: false, cancellationToken);

    /// <summary>The keyed hash stored in the audit table for <paramref name="subject"/> (hex HMAC-SHA256).</summary>
    public string SubjectHash(PrivacySubject subject) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_auditKey, Encoding.UTF8.GetBytes(subject.TypeName + ":" + subject.Value)));

    private async Task<PrivacyOutcome> RunAsync(string action, PrivacySubject subject, string requestedBy, bool delete, bool followUp,
        CancellationToken cancellationToken)
    {
        var requestId = Guid.CreateVersion7();
        var requestedAt = time.GetUtcNow();
        var data = new Dictionary<string, object?>();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        DateTimeOffset? followUpDueAt = null;
        try
        {
            if (subject.Type == PrivacySubjectType.Visitor)
                await VisitorAsync(subject.Value, delete, data, counts, cancellationToken);
            else
                await PhoneAsync(subject.Value, delete, data, counts, cancellationToken);
            if (followUp) followUpDueAt = await followUps.EnqueueAsync(subject);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, action, requestId, ex.GetType().Name);
            // Best effort: the request failed part way; say so in the audit table (the store that failed may be ClickHouse itself).
            try { await AuditAsync(requestId, requestedAt, action, subject, requestedBy, "failed", counts, ex.GetType().Name, CancellationToken.None); }
            catch (Exception auditError) { LogAuditFailed(logger, requestId, auditError.GetType().Name); }
            throw;
        }
        await AuditAsync(requestId, requestedAt, action, subject, requestedBy, "completed", counts, "", cancellationToken);
        LogCompleted(logger, action, requestId, subject.TypeName, counts.Values.Sum());
        return new PrivacyOutcome(requestId, requestedAt, action, subject.TypeName, counts, delete ? null : data, followUpDueAt);
    }

    private async Task VisitorAsync(string visitorId, bool delete, Dictionary<string, object?> data, SortedDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        // Sessions the visitor had, per site: from live leases and from ClickHouse (before its rows are deleted).
        var sessions = new HashSet<(string Site, string Session)>();
        var redisData = new List<object>();

        foreach (var siteKey in await sites.ListAsync())
        {
            if (await sites.GetAsync(siteKey) is not { } site) continue;
            var sticky = new PoolKeys(siteKey, "_").Visitor(visitorId);
            var last = await Db.StringGetAsync(sticky);
            if (!last.IsNull)
            {
                redisData.Add(new { site = siteKey, key = (string)sticky!, kind = "sticky_number", value = (string?)last });
                Count(counts, "redis.sticky_number");
                if (delete) await Db.KeyDeleteAsync(sticky);
            }
            foreach (var pool in site.Pools)
            {
                var keys = pools.KeysFor(siteKey, pool.Id);
                foreach (var entry in await Db.HashGetAllAsync(keys.Info))
                {
                    // info: leaseId|session|visitor|source|startedMs|holdMs (ids never contain '|').
                    var parts = ((string)entry.Value!).Split('|');
                    if (parts.Length < 3 || parts[2] != visitorId) continue;
                    sessions.Add((siteKey, parts[1]));
                    redisData.Add(new { site = siteKey, pool = pool.Id, kind = "live_lease", number = (string?)entry.Name, leaseId = parts[0], sessionId = parts[1] });
                    Count(counts, "redis.live_lease");
                    // Released without a lease-history end row: that row would put the visitor id back into ClickHouse.
                    if (delete) await pools.ReleaseAsync(siteKey, pool.Id, (string)entry.Name!, parts[1]);
                }
            }
        }

        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("visitor", visitorId);
        await using (var reader = await clickHouse.ExecuteReaderAsync("""
            SELECT DISTINCT site_id, session_id FROM pageviews WHERE visitor_id = {visitor:String}
            UNION DISTINCT SELECT DISTINCT site_id, session_id FROM lease_history WHERE visitor_id = {visitor:String}
            UNION DISTINCT SELECT DISTINCT site_id, session_id FROM sessions_agg WHERE visitor = {visitor:String}
            """, parameters, cancellationToken: cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                if (reader.GetString(1).Length > 0) sessions.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (siteKey, sessionId) in sessions)
        {
            var key = new PoolKeys(siteKey, "_").Session(sessionId);
            var held = await Db.HashGetAllAsync(key);
            if (held.Length > 0)
            {
                redisData.Add(new { site = siteKey, key = (string)key!, kind = "session", pools = held.ToDictionary(e => (string)e.Name!, e => (string?)e.Value) });
                Count(counts, "redis.session");
                if (delete) await Db.KeyDeleteAsync(key);
            }
            if (delete && await sites.GetAsync(siteKey) is { } site)
                foreach (var pool in site.Pools)
                    await Db.SortedSetRemoveAsync(pools.KeysFor(siteKey, pool.Id).Overflow, sessionId);
        }

        var sessionIds = sessions.Select(s => s.Session).Distinct().ToArray();
        parameters.AddParameter("sessions", sessionIds);
        await CallStatesAsync("visitor_id = {visitor:String}", parameters, delete, redisData, counts, cancellationToken);
        data["redis"] = redisData;

        var tables = new Dictionary<string, object?>();
        await TableAsync("pageviews", "*", "visitor_id = {visitor:String}", parameters, delete, tables, counts, cancellationToken);
        // sessions_agg holds aggregate states: export the merged sessions view, delete the states.
        await TableAsync("sessions_agg", "* EXCEPT (first_touch, last_touch)", "visitor = {visitor:String} OR has({sessions:Array(String)}, session_id)", parameters,
            delete, tables, counts, cancellationToken, exportFrom: "sessions", exportWhere: "visitor_id = {visitor:String} OR has({sessions:Array(String)}, session_id)");
        await TableAsync("lease_history", "*", "visitor_id = {visitor:String}", parameters, delete, tables, counts, cancellationToken);
        await RecordingsAsync("visitor_id = {visitor:String}", parameters, delete, tables, counts, cancellationToken);
        await TableAsync("texts", "*", "visitor_id = {visitor:String}", parameters, delete, tables, counts, cancellationToken);
        await TableAsync("calls", "*", "visitor_id = {visitor:String}", parameters, delete, tables, counts, cancellationToken);
        await TableAsync("conversion_events", "*", "visitor_id = {visitor:String}", parameters, delete, tables, counts, cancellationToken);
        data["clickhouse"] = tables;
    }

    private async Task PhoneAsync(string number, bool delete, Dictionary<string, object?> data, SortedDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("caller", number);
        var redisData = new List<object>();
        await CallStatesAsync("caller_number = {caller:String}", parameters, delete, redisData, counts, cancellationToken);
        await TextRelayStateAsync(number, parameters, delete, redisData, counts, cancellationToken);
        data["redis"] = redisData;
        var tables = new Dictionary<string, object?>();
        await RecordingsAsync("caller_number = {caller:String}", parameters, delete, tables, counts, cancellationToken);
        await TableAsync("texts", "*", "consumer_number = {caller:String}", parameters, delete, tables, counts, cancellationToken);
        await TableAsync("calls", "*", "caller_number = {caller:String}", parameters, delete, tables, counts, cancellationToken);
        // Leads and purchases hold the number only as its match key (hex SHA-256 of the E.164 form): personal data all the same.
        parameters.AddParameter("callerHash", Conversions.MatchKeys.Hash(number));
        await TableAsync("conversion_events", "*", "phone_sha256 = {callerHash:String}", parameters, delete, tables, counts, cancellationToken);
        data["clickhouse"] = tables;
    }

    /// <summary>The Redis state of the matching calls (<c>cl:call:PROVIDER:ID</c>, kept two days for later webhooks).</summary>
    private async Task CallStatesAsync(string where, ClickHouseParameterCollection parameters, bool delete, List<object> redisData,
        SortedDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using (var reader = await clickHouse.ExecuteReaderAsync($"SELECT DISTINCT provider, call_id FROM calls WHERE {where}", parameters, cancellationToken: cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                keys.Add($"cl:call:{reader.GetString(0)}:{reader.GetString(1)}");
        }
        foreach (var key in keys)
        {
            var state = await Db.StringGetAsync(key);
            if (state.IsNull) continue;
            redisData.Add(new { key, kind = "call_state", value = JsonDocument.Parse((string)state!).RootElement.Clone() });
            Count(counts, "redis.call_state");
            if (delete) await Db.KeyDeleteAsync(key);
        }
    }

    /// <summary>
    /// The text relay's state about a consumer: the tracking numbers whose last texter they are (deleted), and the sites
    /// they sent STOP to (exported, and kept by a deletion: forgetting an opt-out would let replies reach them again).
    /// </summary>
    private async Task TextRelayStateAsync(string number, ClickHouseParameterCollection parameters, bool delete, List<object> redisData,
        SortedDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        var texted = new List<(string Site, string Tracking)>();
        await using (var reader = await clickHouse.ExecuteReaderAsync(
            "SELECT DISTINCT site_id, tracking_number FROM texts WHERE consumer_number = {caller:String}", parameters, cancellationToken: cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) texted.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (site, tracking) in texted)
        {
            var key = Calls.Texts.TextConversations.LastTexterKey(tracking);
            if (await Db.StringGetAsync(key) != number) continue;
            redisData.Add(new { site, key = (string)key!, kind = "text_last_texter", trackingNumber = tracking });
            Count(counts, "redis.text_last_texter");
            if (delete) await Db.KeyDeleteAsync(key, CommandFlags.None);
        }
        foreach (var site in texted.Select(t => t.Site).Distinct())
            if (await Db.SetContainsAsync(Calls.Texts.TextConversations.OptOutKey(site), number))
                redisData.Add(new { site, kind = "text_opt_out", kept = true });
    }

    /// <summary>
    /// The subject's recordings (<c>call_recordings</c>); a deletion first queues each for deletion at Twilio (durable,
    /// retried by every edge: <see cref="Calls.Recordings.RecordingDeletionService"/>), then removes the rows, so the
    /// audio is never left behind without a record of it.
    /// </summary>
    private async Task RecordingsAsync(string where, ClickHouseParameterCollection parameters, bool delete, Dictionary<string, object?> tables,
        SortedDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        if (delete)
        {
            var pending = new List<Calls.Recordings.PendingRecordingDeletion>();
            await using (var reader = await clickHouse.ExecuteReaderAsync(
                $"SELECT DISTINCT site_id, account_sid, recording_sid FROM call_recordings WHERE {where}", parameters, cancellationToken: cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    pending.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
            foreach (var deletion in pending) await twilioDeletions.EnqueueAsync(deletion);
            counts["twilio.recordings_queued_for_deletion"] = pending.Count;
        }
        await TableAsync("call_recordings", "*", where, parameters, delete, tables, counts, cancellationToken);
    }

    /// <summary>Counts (and lists, for an export) the subject's rows of one table; deletes them for a deletion.</summary>
    private async Task TableAsync(string table, string columns, string where, ClickHouseParameterCollection parameters, bool delete,
        Dictionary<string, object?> tables, SortedDictionary<string, long> counts, CancellationToken cancellationToken,
        string? exportFrom = null, string? exportWhere = null)
    {
        var rows = Convert.ToInt64(await clickHouse.ExecuteScalarAsync($"SELECT count() FROM {table} WHERE {where}", parameters, cancellationToken: cancellationToken));
        counts["clickhouse." + table] = rows;
        if (delete)
        {
            // Lightweight DELETE: rows vanish from every later SELECT at once (lightweight_deletes_sync waits for it);
            // merges remove them from disk later.
            if (rows > 0) await clickHouse.ExecuteNonQueryAsync($"DELETE FROM {table} WHERE {where}", parameters, cancellationToken: cancellationToken);
            return;
        }
        var list = new List<Dictionary<string, object?>>();
        // FINAL: the newest version of each row, as analysts see it. (Views and plain MergeTree tables take no FINAL.)
        var source = exportFrom ?? table + (table is "pageviews" or "lease_history" or "calls" or "call_recordings" or "texts" or "conversion_events" ? " FINAL" : "");
        await using (var reader = await clickHouse.ExecuteReaderAsync(
            $"SELECT {(exportFrom is null ? "*" : columns)} FROM {source} WHERE {exportWhere ?? where} LIMIT {_options.MaxExportRows}", parameters, cancellationToken: cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new Dictionary<string, object?>(reader.FieldCount);
                for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = JsonValue(reader.GetValue(i));
                list.Add(row);
            }
        }
        tables[exportFrom ?? table] = list;
    }

    private static object? JsonValue(object? value) => value switch
    {
        null or DBNull => null,
        Guid g => g.ToString(),
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        ITuple t => Enumerable.Range(0, t.Length).Select(i => JsonValue(t[i])).ToArray(),
        Array a when value is not byte[] => a.Cast<object?>().Select(JsonValue).ToArray(),
        _ => value,
    };

    private async Task AuditAsync(Guid requestId, DateTimeOffset requestedAt, string action, PrivacySubject subject, string requestedBy,
        string outcome, SortedDictionary<string, long> counts, string error, CancellationToken cancellationToken)
    {
        await clickHouse.InsertBinaryAsync("privacy_audit",
            ["request_id", "requested_at", "action", "subject_type", "subject_hash", "requested_by", "outcome", "counts", "error"],
            [[requestId, requestedAt.UtcDateTime, action, subject.TypeName, SubjectHash(subject), requestedBy, outcome, JsonSerializer.Serialize(counts), error]],
            clickHouse.InsertOptions(schema.IsReady), cancellationToken: cancellationToken);
    }

    private static void Count(SortedDictionary<string, long> counts, string name) =>
        counts[name] = counts.GetValueOrDefault(name) + 1;

    private static byte[] AuditKeyFrom(PrivacyOptions options, CookieSettings cookies)
    {
        if (!string.IsNullOrEmpty(options.AuditKey)) return Encoding.UTF8.GetBytes(options.AuditKey);
        // Derived, never the cookie key itself: an audit row cannot help forge a cookie.
        var cookieKey = cookies.ActiveKeys() is [var first, ..] ? first : "";
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(cookieKey), "customerlab privacy audit key"u8);
    }

    [LoggerMessage(7101, LogLevel.Information, "Privacy {Action} request {RequestId} completed for a {SubjectType}: {Items} items", EventName = "PrivacyRequestCompleted")]
    private static partial void LogCompleted(ILogger logger, string action, Guid requestId, string subjectType, long items);

    [LoggerMessage(7102, LogLevel.Error, "Privacy {Action} request {RequestId} failed: {Error}", EventName = "PrivacyRequestFailed")]
    private static partial void LogFailed(ILogger logger, string action, Guid requestId, string error);

    [LoggerMessage(7103, LogLevel.Error, "Privacy request {RequestId} could not be recorded in privacy_audit: {Error}", EventName = "PrivacyAuditFailed")]
    private static partial void LogAuditFailed(ILogger logger, Guid requestId, string error);
}

/// <summary>
/// One request's result: the audit id, what was found or removed per store and table, (export) the data, and (deletion)
/// when its follow-up pass is due.
/// </summary>
public sealed record PrivacyOutcome(Guid RequestId, DateTimeOffset RequestedAt, string Action, string SubjectType,
    IReadOnlyDictionary<string, long> Counts, IReadOnlyDictionary<string, object?>? Data, DateTimeOffset? FollowUpDueAt = null);
