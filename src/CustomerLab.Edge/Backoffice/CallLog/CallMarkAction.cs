using System.Text.Json;
using CustomerLab.Edge.Calls.Payouts;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>
/// <c>POST /console/calls/{id}/marks</c> (form: <c>tags</c>, comma-separated; <c>qualified</c>: empty, <c>yes</c> or
/// <c>no</c>; the antiforgery token): stores the call's marks (<see cref="CallMarks"/>), which the payouts then
/// follow, audits the change, and goes back to the journey (303).
/// </summary>
internal static class CallMarkAction
{
    public static async Task<Results<RedirectHttpResult, ValidationProblem, ProblemHttpResult>> PostAsync(
        string id, HttpContext context, CallLogReader calls, CallMarks marks, SiteStore sites, ConsoleAudit audit, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A form post (tags, qualified)."] });
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var tags = form["tags"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count > CallMarks.MaxTags || tags.Any(t => t.Length > CallMarks.MaxTagLength || t.Any(char.IsControl)))
            errors["tags"] = [$"At most {CallMarks.MaxTags} tags of at most {CallMarks.MaxTagLength} characters each."];
        bool? qualified = form["qualified"].ToString() switch
        {
            "" => null,
            "yes" => true,
            "no" => false,
            _ => null,
        };
        if (form["qualified"].ToString() is not ("" or "yes" or "no")) errors["qualified"] = ["Empty (the site's rules decide), yes or no."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var user = ConsoleUser.Of(context);
        var call = await calls.FindAsync(id, await CallScope.ForAsync(user, sites), cancellationToken);
        if (call is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No call {id}.");
        if (!user.MayRead(call.Site)) return ConsoleProblems.NotYourSite(call.Site);
        var rules = (await sites.GetAsync(call.Site))?.Calls.Payouts;
        var verdict = await marks.WriteAsync(call.Site, call.CallId, tags, qualified, call.TestCall, call.Publisher, rules, user.Name, cancellationToken);
        await audit.RecordAsync(user, "call.mark", call.Site, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["call"] = call.CallId, ["tags"] = tags, ["qualified"] = qualified, ["payout"] = verdict?.Payout,
        }), cancellationToken);
        return TypedResults.Redirect($"/console/calls/{Uri.EscapeDataString(call.CallId)}?saved=true");
    }
}
