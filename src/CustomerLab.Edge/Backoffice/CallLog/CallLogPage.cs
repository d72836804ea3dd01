using System.Globalization;
using System.Text;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Calls;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>
/// <c>GET /console/calls</c>: the call log of the user's sites, filtered (<see cref="CallLogFilter"/>), 50 a page,
/// newest first; <c>GET /console/calls.csv</c>: every row of the same filter as CSV (the same columns, the same masking).
/// </summary>
internal static class CallLogPage
{
    private static readonly HtmlTemplate Page = new("Backoffice/CallLog/Html/calls.html");
    private static readonly HtmlTemplate Row = new("Backoffice/CallLog/Html/call-row.html");

    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        HttpContext context, CallLogReader calls, SiteStore sites, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CallLogFilter.Parse(context.Request.Query, time.GetUtcNow(), out var errors) is not { } filter) return TypedResults.ValidationProblem(errors);
        var user = ConsoleUser.Of(context);
        var scope = await CallScope.ForAsync(user, sites);
        var (rows, more) = await calls.PageAsync(filter, scope, cancellationToken);
        var html = new StringBuilder();
        foreach (var row in rows) html.Append(Row.Render(Cells(row)));
        var readable = scope.Sites?.Order(StringComparer.Ordinal).ToList() ?? (await sites.ListAsync()).Order(StringComparer.Ordinal).ToList();
        var flags = new HashSet<string>();
        if (rows.Count > 0) flags.Add("rows");
        else if (filter.IsUnfiltered && filter.Page == 1) flags.Add("noCalls");
        else flags.Add("noMatch");
        if (filter.Page > 1) flags.Add("previous");
        if (more) flags.Add("next");
        var exampleSite = filter.Site.Length > 0 ? filter.Site : readable.FirstOrDefault() ?? "YOUR-SITE-KEY";
        var body = Page.Render(new Dictionary<string, string>
        {
            ["tz"] = filter.Tz, ["from"] = filter.From, ["to"] = filter.To, ["source"] = filter.Source, ["publisher"] = filter.Publisher,
            ["caller"] = filter.Caller, ["zone"] = filter.Tz.Length > 0 ? filter.Tz : "UTC", ["query"] = filter.Query(),
            ["tagSnippet"] = $"<script async src=\"{context.Request.Scheme}://{context.Request.Host}/cl.js\" data-site=\"{exampleSite}\"></script>",
            ["page"] = filter.Page.ToString(CultureInfo.InvariantCulture), ["previousQuery"] = filter.Query(filter.Page - 1), ["nextQuery"] = filter.Query(filter.Page + 1),
        }, flags);
        body = ConsoleLayout.Fill(body, "<!--siteOptions-->", ConsoleForms.Options(readable.Select(s => (s, s)), filter.Site));
        body = ConsoleLayout.Fill(body, "<!--channelOptions-->", ConsoleForms.Options(CallLogFilter.Channels.Select(c => (c, c)), filter.Channel));
        body = ConsoleLayout.Fill(body, "<!--statusOptions-->", ConsoleForms.Options(CallLogFilter.Statuses.Select(s => (s, s.Replace('_', ' '))), filter.Status));
        body = ConsoleLayout.Fill(body, "<!--answeredOptions-->", ConsoleForms.Options(YesNo, YesNoValue(filter.Answered)));
        body = ConsoleLayout.Fill(body, "<!--qualifiedOptions-->", ConsoleForms.Options(YesNo, YesNoValue(filter.Qualified)));
        body = ConsoleLayout.Fill(body, "<!--rows-->", html.ToString());
        return ConsoleLayout.Page(context, ConsoleSection.Calls, "Calls", body);
    }

    private static readonly (string, string)[] YesNo = [("", "Any"), ("yes", "Yes"), ("no", "No")];

    private static string YesNoValue(bool? value) => value is null ? "" : value.Value ? "yes" : "no";

    /// <summary>The CSV's columns, in order; the same facts as a row of the page.</summary>
    private static readonly string[] CsvColumns =
    [
        "call_id", "site_id", "started_at", "caller", "caller_region", "caller_country", "tracking_number", "pool_id", "duration_seconds", "talk_seconds",
        "answered", "attribution_status", "attribution_reason", "first_touch", "last_touch", "landing_page", "click_ids", "publisher_id", "recorded",
        "qualified", "manual_verdict", "tags", "payout", "currency", "test_call",
    ];

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> CsvAsync(
        HttpContext context, CallLogReader calls, SiteStore sites, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CallLogFilter.Parse(context.Request.Query, time.GetUtcNow(), out var errors) is not { } filter) return TypedResults.ValidationProblem(errors);
        var scope = await CallScope.ForAsync(ConsoleUser.Of(context), sites);
        var rows = await calls.AllAsync(filter, scope, cancellationToken);
        var csv = new StringBuilder().AppendJoin(',', CsvColumns).Append("\r\n");
        foreach (var r in rows)
            CsvCells.AppendRow(csv,
            [
                r.CallId, r.Site, r.StartedAt, r.Caller, r.CallerRegion, r.CallerCountry, r.TrackingNumber, r.Pool, r.DurationSeconds, r.TalkSeconds,
                r.Answered ? "yes" : "no", r.AttributionStatus, r.AttributionReason, r.FirstTouch, r.LastTouch, r.LandingPage, string.Join(' ', r.ClickIds),
                r.Publisher, r.Recorded ? "yes" : "no", r.Qualified ? "yes" : "no", r.ManualQualified is null ? "" : r.ManualQualified.Value ? "qualified" : "not qualified",
                string.Join(';', r.Tags), r.Payout, r.Currency, r.TestCall ? "yes" : "no",
            ]);
        context.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"calls-{filter.From}-{filter.To}.csv");
    }

    /// <summary>The values of a row of the page.</summary>
    public static Dictionary<string, string> Cells(CallLogRow row) => new()
    {
        ["callId"] = row.CallId, ["site"] = row.Site, ["startedAt"] = ConsoleFormat.Iso(row.StartedAt),
        ["caller"] = row.CallerMasked ? row.Caller : CallerMask.Format(row.Caller),
        ["callerRegion"] = string.Join(", ", new[] { row.CallerRegion, row.CallerCountry }.Where(s => s.Length > 0)),
        ["trackingNumber"] = CallerMask.Format(row.TrackingNumber), ["pool"] = row.Pool.Length > 0 ? row.Pool : "—",
        ["duration"] = ConsoleFormat.Duration(row.DurationSeconds), ["talk"] = ConsoleFormat.Duration(row.TalkSeconds),
        ["answered"] = row.Answered ? "Yes" : "No",
        ["attributionStatus"] = row.AttributionStatus.Replace('_', ' '), ["attributionReason"] = row.AttributionReason,
        ["statusClass"] = row.AttributionStatus switch { "attributed" => "ok", "ambiguous" => "warn", _ => "bad" },
        ["firstTouch"] = row.FirstTouch, ["lastTouch"] = row.LastTouch, ["landingPage"] = row.LandingPage.Length > 0 ? row.LandingPage : "—",
        ["clickIds"] = row.ClickIds.Count > 0 ? string.Join(' ', row.ClickIds) : "—",
        ["recorded"] = row.Recorded ? "Yes" : "No",
        ["qualified"] = (row.Qualified ? "Yes" : "No") + (row.ManualQualified is null ? "" : " (by hand)") + (row.TestCall ? ", test call" : ""),
        ["tags"] = row.Tags.Count > 0 ? string.Join(", ", row.Tags) : "—",
    };
}
