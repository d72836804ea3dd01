using System.Globalization;
using System.Text.Json;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.SiteSetup;

/// <summary>
/// <c>POST /console/sites/new</c> (create) and <c>POST /console/sites/{site}</c> (edit), admins only: the form's fields
/// over the site as it is, through the admin API's own <c>PUT /admin/sites/{site}</c> handler (<see cref="AdminApi"/>),
/// audited. Done: 303 to the site's page. Refused: the form again with the API's errors (400 or 409).
/// </summary>
internal static class SiteActions
{
    public static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> CreateAsync(HttpContext context, AdminApi admin, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var key = form["siteKey"].ToString().Trim();
        if (!SiteValidation.SiteKeyPattern().IsMatch(key))
            return SitesPage.Render(context, null, form, ["siteKey: 3 to 64 letters, digits, '-' or '_'."], StatusCodes.Status400BadRequest);
        if (await admin.Sites.GetFreshAsync(key) is not null)
            return SitesPage.Render(context, null, form, [$"siteKey: a site '{key}' exists already; edit it from the Sites list."], StatusCodes.Status409Conflict);
        return await SaveAsync(context, key, null, form, admin, audit, "site.create");
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> EditAsync(string site, HttpContext context, AdminApi admin, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (await admin.Sites.GetFreshAsync(site) is not { } existing)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No site '{site}'.");
        return await SaveAsync(context, site, existing, form, admin, audit, "site.edit");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> SaveAsync(HttpContext context, string key, SiteConfig? existing, IFormCollection form,
        AdminApi admin, ConsoleAudit audit, string action)
    {
        var request = SitesPage.RequestOf(existing);
        request.Domains = form["domains"].ToString().Split([',', '\n', ' '], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        request.Targets = form["targets"].ToString().Split(['\n', '\r', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        request.DefaultNumber = form["defaultNumber"].ToString().Trim();
        request.ForwardTo = string.IsNullOrWhiteSpace(form["forwardTo"]) ? null : form["forwardTo"].ToString().Trim();
        request.HoldMinutes = int.TryParse(form["holdMinutes"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hold) ? hold : -1;
        request.Region = form["region"].ToString().Trim();
        request.HonourDoNotTrack = form["honourDoNotTrack"] == "true";
        request.Calls ??= new SiteCallsRequest();
        var notice = form["recordingNotice"].ToString().Trim();
        request.Calls.Recording = new RecordingRequest
        {
            Enabled = form["recordingEnabled"] == "true",
            Notice = notice.Length > 0 ? notice : null,
            Language = request.Calls.Recording?.Language,
            AnnounceSource = request.Calls.Recording?.AnnounceSource,
        };
        var outcome = await admin.PutSiteAsync(key, request);
        if (!outcome.Done)
        {
            var errors = outcome.Errors.SelectMany(e => e.Value.Select(v => e.Key.Length == 0 || v.StartsWith(e.Key, StringComparison.Ordinal) ? v : $"{e.Key}: {v}")).ToList();
            return SitesPage.Render(context, existing, form, errors, outcome.Status);
        }
        await audit.RecordAsync(ConsoleUser.Of(context), action, key, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["domains"] = request.Domains, ["targets"] = request.Targets, ["defaultNumber"] = request.DefaultNumber, ["forwardTo"] = request.ForwardTo,
            ["holdMinutes"] = request.HoldMinutes, ["region"] = request.Region, ["recording"] = request.Calls.Recording.Enabled,
            ["honourDoNotTrack"] = request.HonourDoNotTrack,
        }));
        return TypedResults.Redirect($"/console/sites/{Uri.EscapeDataString(key)}?saved=true");
    }
}
