using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Calls.Payouts;

/// <summary>A call's marks: its tags and the verdict made by hand (null: none, the rules' verdict stands).</summary>
public sealed record CallMark(IReadOnlyList<string> Tags, bool? Qualified, string MarkedBy, DateTime MarkedAt);

/// <summary>
/// Tags and hand-made qualified / not qualified verdicts on calls (<c>call_marks</c>, migration 0051), written before
/// the console answers. The verdict overrides the site's payout rules wherever calls are paid or shown: readers join
/// the newest mark with <see cref="Join"/> and use <see cref="Qualified"/>, <see cref="Payout"/> and
/// <see cref="Currency"/> in place of the row's own columns (the call's row may still be rewritten by its lifecycle).
/// </summary>
internal sealed class CallMarks(ClickHouseClient clickHouse, SchemaState schema, TimeProvider time)
{
    /// <summary>The newest mark of each call as <c>m</c>, joined to <c>calls AS c</c>.</summary>
    public const string Join =
        "LEFT JOIN (SELECT site_id, call_id, tags, manual_qualified, manual_payout, payout_currency FROM call_marks FINAL) AS m " +
        "ON m.site_id = c.site_id AND m.call_id = c.call_id";

    private const string HasVerdict = "(m.call_id != '' AND m.manual_qualified >= 0)";

    /// <summary>Qualified, by hand when marked, else by the rules.</summary>
    public const string Qualified = "if(" + HasVerdict + ", m.manual_qualified = 1, c.qualified)";

    /// <summary>The payout, by hand when marked, else by the rules.</summary>
    public const string Payout = "if(" + HasVerdict + ", m.manual_payout, c.payout)";

    public const string Currency = "if(" + HasVerdict + " AND m.payout_currency != '', m.payout_currency, c.payout_currency)";

    /// <summary>Longest tag, in characters, and most tags on one call.</summary>
    public const int MaxTagLength = 40, MaxTags = 10;

    /// <summary>
    /// Stores the call's tags and verdict (<paramref name="qualified"/> null: none). The payout of a qualified mark is
    /// the publisher's amount under <paramref name="rules"/> (<see cref="PayoutJudge.Manual"/>).
    /// </summary>
    public async Task<PayoutVerdict?> WriteAsync(string site, string callId, IReadOnlyList<string> tags, bool? qualified, bool testCall,
        string publisherId, SitePayoutRules? rules, string markedBy, CancellationToken cancellationToken = default)
    {
        var verdict = qualified is { } q ? PayoutJudge.Manual(q, testCall, publisherId, rules) : null;
        var now = time.GetUtcNow();
        sbyte manual = qualified switch { null => -1, true => 1, false => 0 };
        await clickHouse.InsertBinaryAsync("call_marks",
            ["site_id", "call_id", "tags", "manual_qualified", "manual_payout", "payout_currency", "marked_by", "marked_at", "version"],
            [[site, callId, tags.ToArray(), manual, verdict?.Payout ?? 0m, verdict?.Currency ?? "", markedBy, now.UtcDateTime,
              (ulong)(now.ToUnixTimeMilliseconds() * 1000)]], clickHouse.InsertOptions(schema.IsReady), cancellationToken: cancellationToken);
        return verdict;
    }

    /// <summary>The call's newest mark, or null.</summary>
    public async Task<CallMark?> ReadAsync(string site, string callId, CancellationToken cancellationToken = default)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site);
        parameters.AddParameter("call", callId);
        using var reader = await clickHouse.ExecuteReaderAsync(
            "SELECT tags, manual_qualified, marked_by, marked_at FROM call_marks FINAL WHERE site_id = {site:String} AND call_id = {call:String}",
            parameters, cancellationToken: cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var manual = Convert.ToInt32(reader.GetValue(1));
        return new CallMark((string[])reader.GetValue(0), manual < 0 ? null : manual == 1, reader.GetString(2), reader.GetDateTime(3));
    }
}
