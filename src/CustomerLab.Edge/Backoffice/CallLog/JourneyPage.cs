using System.Globalization;
using System.Text;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>
/// <c>GET /console/calls/{id}</c>: a call's journey for a user who may read its site (403 otherwise, as for a call of
/// another site): the call, the form to tag and qualify it, the recording (played through the edge's proxy, never a
/// provider URL, hidden from analysts when the site masks callers), the session's pageviews up to the call, the
/// candidate sessions side by side when it is ambiguous, and the visitor's earlier sessions and calls.
/// </summary>
internal static class JourneyPage
{
    private static readonly HtmlTemplate Page = new("Backoffice/CallLog/Html/journey.html");
    private static readonly HtmlTemplate PageviewRow = new("Backoffice/CallLog/Html/journey-pageview.html");
    private static readonly HtmlTemplate SessionRow = new("Backoffice/CallLog/Html/journey-session.html");
    private static readonly HtmlTemplate CandidateCard = new("Backoffice/CallLog/Html/journey-candidate.html");
    private static readonly HtmlTemplate CallItem = new("Backoffice/CallLog/Html/journey-call.html");

    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        string id, bool? saved, HttpContext context, CallLogReader calls, JourneyReader journeys, SiteStore sites, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > 128 || id.Any(char.IsControl))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["A call id of at most 128 characters."] });
        var user = ConsoleUser.Of(context);
        var scope = await CallScope.ForAsync(user, sites);
        var call = await calls.FindAsync(id, scope, cancellationToken);
        if (call is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No call {id}.");
        if (!user.MayRead(call.Site)) return ConsoleProblems.NotYourSite(call.Site);

        var pageviews = call.SessionId.Length > 0 ? await journeys.PageviewsAsync(call.Site, call.SessionId, call.StartedAt, cancellationToken) : [];
        var earlier = call.VisitorId.Length > 0 ? await journeys.SessionsAsync(call.Site, call.VisitorId, call.SessionId, null, call.StartedAt, cancellationToken) : [];
        var earlierCalls = call.VisitorId.Length > 0 ? await journeys.EarlierCallsAsync(call.Site, call.VisitorId, call.CallId, call.StartedAt, cancellationToken) : [];
        var candidates = call.AttributionStatus == "ambiguous" && call.Candidates.Count > 0
            ? await journeys.SessionsAsync(call.Site, "", "", call.Candidates, call.StartedAt, cancellationToken) : [];

        var values = CallLogPage.Cells(call);
        values["csrf"] = ConsoleLayout.Csrf(context);
        values["tagsValue"] = string.Join(", ", call.Tags);
        values["publisher"] = call.Publisher.Length > 0 ? call.Publisher : "—";
        values["payout"] = call.Payout > 0 ? $"{call.Payout.ToString("0.00", CultureInfo.InvariantCulture)} {call.Currency}" : "none";
        values["recordingSid"] = call.RecordingSid;
        var flags = new HashSet<string>
        {
            pageviews.Count > 0 ? "pageviews" : "noPageviews",
            earlier.Count > 0 ? "sessions" : "noSessions",
            earlierCalls.Count > 0 ? "calls" : "noCalls",
            call.ManualQualified switch { null => "verdictNone", true => "verdictYes", false => "verdictNo" },
        };
        if (saved == true) flags.Add("saved");
        if (call.RecordingSid.Length > 0) flags.Add(call.CallerMasked ? "recordingHidden" : "recording");
        if (candidates.Count > 0) flags.Add("ambiguous");
        var body = Page.Render(values, flags);
        body = ConsoleLayout.Fill(body, "<!--pageviewRows-->", Join(pageviews, p => PageviewRow.Render(new Dictionary<string, string>
        {
            ["at"] = ConsoleFormat.Iso(p.At), ["url"] = p.Url, ["title"] = p.Title.Length > 0 ? p.Title : "(no title)",
            ["referrer"] = p.Referrer.Length > 0 ? p.Referrer : "—", ["utm"] = p.Utm.Length > 0 ? p.Utm : "—",
        })));
        body = ConsoleLayout.Fill(body, "<!--sessionRows-->", Join(earlier, s => SessionRow.Render(Session(s))));
        body = ConsoleLayout.Fill(body, "<!--candidateCards-->", Join(candidates, s => CandidateCard.Render(Session(s))));
        body = ConsoleLayout.Fill(body, "<!--callItems-->", Join(earlierCalls, c => CallItem.Render(new Dictionary<string, string>
        {
            ["callId"] = c.CallId, ["startedAt"] = ConsoleFormat.Iso(c.StartedAt), ["duration"] = ConsoleFormat.Duration(c.DurationSeconds),
            ["answered"] = c.Answered ? "answered" : "not answered", ["attributionStatus"] = c.AttributionStatus.Replace('_', ' '),
        })));
        return ConsoleLayout.Page(context, ConsoleSection.Calls, "Call " + call.CallId, body);
    }

    private static Dictionary<string, string> Session(JourneySession s) => new()
    {
        ["sessionId"] = s.SessionId, ["first"] = ConsoleFormat.Iso(s.First), ["last"] = ConsoleFormat.Iso(s.Last),
        ["pageviews"] = s.Pageviews.ToString(CultureInfo.InvariantCulture), ["landingPage"] = s.LandingPage, ["source"] = s.Source.Length > 0 ? s.Source : "direct",
    };

    private static string Join<T>(IEnumerable<T> items, Func<T, string> render)
    {
        var html = new StringBuilder();
        foreach (var item in items) html.Append(render(item));
        return html.ToString();
    }
}
