using System.Globalization;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Calls.Payouts;
using CustomerLab.Edge.Phones;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>Which sites a console user sees calls of, and on which of them callers are masked.</summary>
/// <param name="Sites">The readable sites; null: every site (an admin, or an analyst with <c>*</c>).</param>
/// <param name="Masked">Sites whose callers this user may not see (<see cref="SiteCallSettings.MaskCallersForAnalysts"/>; never for admins).</param>
internal sealed record CallScope(IReadOnlySet<string>? Sites, IReadOnlySet<string> Masked)
{
    public static async Task<CallScope> ForAsync(ConsoleUser user, SiteStore sites)
    {
        if (user.IsAdmin) return new CallScope(null, new HashSet<string>());
        var readable = user.Access.Sites.Every ? (await sites.ListAsync()).ToHashSet(StringComparer.Ordinal) : user.Access.Sites.Sites;
        var masked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var site in readable)
            if ((await sites.GetAsync(site))?.Calls.MaskCallersForAnalysts == true) masked.Add(site);
        return new CallScope(user.Access.Sites.Every ? null : readable, masked);
    }

    public bool Masks(string site) => Masked.Contains(site);
}

/// <summary>
/// The console's queries over <c>calls</c> (with each call's newest mark, <see cref="CallMarks"/>, and its completed
/// recording): a filtered page newest first, every row of a filter for the CSV, and one call by id.
/// </summary>
internal sealed class CallLogReader(ClickHouseClient clickHouse)
{
    /// <summary>Most rows one CSV download holds.</summary>
    public const int MaxCsvRows = 100_000;

    private const string Select = $"""
        SELECT c.call_id, c.site_id, c.pool_id, c.tracking_number, c.caller_number, c.caller_region, c.caller_country, c.started_at,
               c.duration_seconds, c.talk_seconds, c.answered, c.status, c.attribution_status, c.attribution_reason,
               c.first_source, c.first_medium, c.first_channel, c.last_source, c.last_medium, c.last_channel, c.last_campaign, c.landing_page,
               c.gclid, c.gbraid, c.wbraid, c.msclkid, c.fbclid, c.ttclid, c.li_fat_id, c.publisher_id,
               c.recording_notice != '' OR r.recording_sid != '' AS recorded, r.recording_sid,
               {CallMarks.Qualified} AS judged, c.qualification_reason, m.tags, if(m.call_id = '', -1, m.manual_qualified) AS manual,
               {CallMarks.Payout} AS paid, {CallMarks.Currency} AS currency, c.test_call OR c.simulated AS test_call, c.session_id, c.visitor_id, c.candidate_sessions
        FROM calls AS c FINAL
        {CallMarks.Join}
        LEFT JOIN (SELECT site_id, call_id, max(recording_sid) AS recording_sid FROM call_recordings FINAL
                   WHERE recording_status = 'completed' GROUP BY site_id, call_id) AS r ON r.site_id = c.site_id AND r.call_id = c.call_id
        """;

    private static readonly string[] ClickIdNames = ["gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id"];

    /// <summary>One page of the filter, newest first; <c>More</c> when a next page exists.</summary>
    public async Task<(IReadOnlyList<CallLogRow> Rows, bool More)> PageAsync(CallLogFilter filter, CallScope scope, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(filter, scope, CallLogFilter.PageSize + 1, (filter.Page - 1) * CallLogFilter.PageSize, cancellationToken);
        return (rows.Take(CallLogFilter.PageSize).ToList(), rows.Count > CallLogFilter.PageSize);
    }

    /// <summary>Every row of the filter (at most <see cref="MaxCsvRows"/>), newest first.</summary>
    public Task<List<CallLogRow>> AllAsync(CallLogFilter filter, CallScope scope, CancellationToken cancellationToken) =>
        QueryAsync(filter, scope, MaxCsvRows, 0, cancellationToken);

    /// <summary>One call by its id (of any site: the caller checks the user may read it), or null.</summary>
    public async Task<CallLogRow?> FindAsync(string callId, CallScope scope, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("call", callId);
        var rows = await ReadAsync(Select + " WHERE c.call_id = {call:String} ORDER BY c.started_at DESC LIMIT 1", parameters, scope, cancellationToken);
        return rows.FirstOrDefault();
    }

    private async Task<List<CallLogRow>> QueryAsync(CallLogFilter filter, CallScope scope, int limit, int offset, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        var where = new List<string> { "c.started_at >= {from:DateTime64(3, 'UTC')}", "c.started_at < {to:DateTime64(3, 'UTC')}", "c.site_id != ''" };
        parameters.AddParameter("from", filter.FromUtc);
        parameters.AddParameter("to", filter.ToUtc);
        if (scope.Sites is not null)
        {
            where.Add("c.site_id IN {sites:Array(String)}");
            parameters.AddParameter("sites", scope.Sites.ToArray());
        }
        void Equal(string column, string name, string value)
        {
            if (value.Length == 0) return;
            where.Add($"{column} = {{{name}:String}}");
            parameters.AddParameter(name, value);
        }
        Equal("c.site_id", "site", filter.Site);
        Equal("c.last_channel", "channel", filter.Channel);
        Equal("c.last_source", "source", filter.Source);
        Equal("c.attribution_status", "status", filter.Status);
        Equal("c.publisher_id", "publisher", filter.Publisher);
        if (filter.Answered is { } answered) { where.Add("c.answered = {answered:Bool}"); parameters.AddParameter("answered", answered); }
        if (filter.Qualified is { } qualified) { where.Add($"{CallMarks.Qualified} = {{qualified:Bool}}"); parameters.AddParameter("qualified", qualified); }
        if (filter.Caller.Length > 0)
        {
            where.Add("position(c.caller_number, {caller:String}) > 0");
            parameters.AddParameter("caller", filter.Caller);
            // Callers a user may not see cannot be found by their number either.
            if (scope.Masked.Count > 0)
            {
                where.Add("c.site_id NOT IN {masked:Array(String)}");
                parameters.AddParameter("masked", scope.Masked.ToArray());
            }
        }
        parameters.AddParameter("limit", (uint)limit);
        parameters.AddParameter("offset", (uint)offset);
        return await ReadAsync(Select + " WHERE " + string.Join(" AND ", where) +
            " ORDER BY c.started_at DESC, c.call_id DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}", parameters, scope, cancellationToken);
    }

    private async Task<List<CallLogRow>> ReadAsync(string sql, ClickHouseParameterCollection parameters, CallScope scope, CancellationToken cancellationToken)
    {
        var rows = new List<CallLogRow>();
        using var reader = await clickHouse.ExecuteReaderAsync(sql, parameters, cancellationToken: cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string S(int i) => reader.GetString(i);
            var site = S(1);
            var masked = scope.Masks(site);
            var manual = Convert.ToInt32(reader.GetValue(35), CultureInfo.InvariantCulture);
            rows.Add(new CallLogRow
            {
                CallId = S(0), Site = site, Pool = S(2), TrackingNumber = S(3),
                Caller = masked ? CallerMask.Mask(S(4)) : S(4), CallerMasked = masked, CallerRegion = S(5), CallerCountry = S(6),
                StartedAt = DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc),
                DurationSeconds = Convert.ToUInt32(reader.GetValue(8), CultureInfo.InvariantCulture),
                TalkSeconds = Convert.ToUInt32(reader.GetValue(9), CultureInfo.InvariantCulture),
                Answered = Convert.ToBoolean(reader.GetValue(10), CultureInfo.InvariantCulture), CallStatus = S(11),
                AttributionStatus = S(12), AttributionReason = S(13),
                FirstTouch = Touch(S(14), S(15), S(16), ""), LastTouch = Touch(S(17), S(18), S(19), S(20)), LandingPage = S(21),
                ClickIds = ClickIdNames.Select((name, i) => (name, value: S(22 + i))).Where(p => p.value.Length > 0).Select(p => $"{p.name}={p.value}").ToList(),
                Publisher = S(29), Recorded = Convert.ToBoolean(reader.GetValue(30), CultureInfo.InvariantCulture), RecordingSid = S(31),
                Qualified = Convert.ToBoolean(reader.GetValue(32), CultureInfo.InvariantCulture), QualificationReason = S(33),
                Tags = (string[])reader.GetValue(34), ManualQualified = manual < 0 ? null : manual == 1,
                Payout = Convert.ToDecimal(reader.GetValue(36), CultureInfo.InvariantCulture), Currency = S(37),
                TestCall = Convert.ToBoolean(reader.GetValue(38), CultureInfo.InvariantCulture),
                SessionId = S(39), VisitorId = S(40), Candidates = (string[])reader.GetValue(41),
            });
        }
        return rows;
    }

    /// <summary>A touch as <c>source / medium (channel), campaign</c>; empty parts left out; <c>direct</c> when nothing is known.</summary>
    private static string Touch(string source, string medium, string channel, string campaign)
    {
        var text = string.Join(" / ", new[] { source, medium }.Where(s => s.Length > 0));
        if (channel.Length > 0) text = text.Length > 0 ? $"{text} ({channel})" : channel;
        if (campaign.Length > 0) text += $", {campaign}";
        return text.Length > 0 ? text : "—";
    }
}

/// <summary>The display of a caller's number: formatted by libphonenumber, or masked.</summary>
internal static class CallerMask
{
    /// <summary>Country code and the last two digits only: <c>+1 ••• ••• ••23</c>.</summary>
    public static string Mask(string e164)
    {
        if (e164.Length < 6 || e164[0] != '+') return e164.Length == 0 ? "" : "(hidden)";
        string country;
        try
        {
            country = PhoneNumbers.PhoneNumberUtil.GetInstance().Parse(e164, null).CountryCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (PhoneNumbers.NumberParseException)
        {
            return "(hidden)";
        }
        return $"+{country} ••• ••• ••{e164[^2..]}";
    }

    /// <summary>International format (<c>+1 617-555-0123</c>) of an E.164 number; as stored when it does not parse.</summary>
    public static string Format(string caller)
    {
        if (caller.Length == 0 || caller[0] != '+') return caller.Length == 0 ? "(no caller id)" : caller;
        try
        {
            return PhoneNumberParsing.FromE164(caller).International;
        }
        catch (PhoneNumbers.NumberParseException)
        {
            return caller;
        }
    }
}
