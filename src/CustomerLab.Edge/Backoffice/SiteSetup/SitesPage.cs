using System.Globalization;
using System.Text;
using System.Text.Json;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.SiteSetup;

/// <summary>
/// The sites pages, admins only: <c>GET /console/sites</c> (the list), <c>GET /console/sites/new</c> and
/// <c>GET /console/sites/{site}</c> (the form, and the site's script tag with a copy button), and <c>POST</c> to either
/// (<see cref="SiteActions"/>).
/// </summary>
internal static class SitesPage
{
    private static readonly HtmlTemplate List = new("Backoffice/SiteSetup/Html/sites.html");
    private static readonly HtmlTemplate Row = new("Backoffice/SiteSetup/Html/site-row.html");
    private static readonly HtmlTemplate Form = new("Backoffice/SiteSetup/Html/site-form.html");

    public static async Task<ContentHttpResult> ListAsync(HttpContext context, string? saved, SiteStore sites)
    {
        var rows = new StringBuilder();
        var keys = (await sites.ListAsync()).Order(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
            if (await sites.GetFreshAsync(key) is { } site)
                rows.Append(Row.Render(new Dictionary<string, string>
                {
                    ["site"] = key, ["domains"] = string.Join(", ", site.Domains), ["defaultNumber"] = site.DefaultNumber,
                    ["forwardTo"] = site.ForwardTo ?? "none", ["pools"] = site.Pools.Count.ToString(CultureInfo.InvariantCulture),
                }));
        var flags = new HashSet<string> { keys.Count == 0 ? "empty" : "rows" };
        if (saved == "created") flags.Add("saved");
        var body = List.Render(new Dictionary<string, string> { ["saved"] = "Site created." }, flags);
        return ConsoleLayout.Page(context, ConsoleSection.Sites, "Sites", ConsoleLayout.Fill(body, "<!--rows-->", rows.ToString()));
    }

    public static ContentHttpResult New(HttpContext context) => Render(context, null, null, null, StatusCodes.Status200OK);

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> EditAsync(HttpContext context, string site, string? saved, SiteStore sites) =>
        await sites.GetFreshAsync(site) is { } config
            ? Render(context, config, null, null, StatusCodes.Status200OK, saved == "true")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"No site '{site}'.");

    /// <summary>The form: of <paramref name="existing"/> (null: a new site), or as typed with the admin API's errors.</summary>
    public static ContentHttpResult Render(HttpContext context, SiteConfig? existing, IFormCollection? typed, IReadOnlyList<string>? errors, int statusCode, bool saved = false)
    {
        var key = existing?.SiteKey ?? typed?["siteKey"].ToString() ?? "";
        string Value(string field, string? current) => typed is not null ? typed[field].ToString() : current ?? "";
        string Checked(string field, bool current) => (typed is not null ? typed[field] == "true" : current) ? " checked" : "";
        var origin = $"{context.Request.Scheme}://{context.Request.Host}";
        var flags = new HashSet<string> { existing is null ? "new" : "existing" };
        if (saved) flags.Add("saved");
        var heading = existing is null ? "Create a site" : $"Site {key}";
        var body = Form.Render(new Dictionary<string, string>
        {
            ["heading"] = heading, ["csrf"] = ConsoleLayout.Csrf(context),
            ["action"] = existing is null ? "/console/sites/new" : $"/console/sites/{key}",
            ["siteKey"] = key,
            ["domains"] = Value("domains", existing is null ? null : string.Join(", ", existing.Domains)),
            ["targets"] = Value("targets", existing is null ? null : string.Join("\n", existing.Targets)),
            ["defaultNumber"] = Value("defaultNumber", existing?.DefaultNumber),
            ["forwardTo"] = Value("forwardTo", existing?.ForwardTo),
            ["holdMinutes"] = Value("holdMinutes", (existing?.HoldMinutes ?? 30).ToString(CultureInfo.InvariantCulture)),
            ["region"] = Value("region", existing?.Region ?? "US"),
            ["recordingChecked"] = Checked("recordingEnabled", existing?.Calls.Recording.Enabled == true),
            ["recordingNotice"] = Value("recordingNotice", existing?.Calls.Recording.Enabled == true ? existing.Calls.Recording.Notice : ""),
            ["dntChecked"] = Checked("honourDoNotTrack", existing?.HonourDoNotTrack == true),
            ["scriptTag"] = $"<script async src=\"{origin}/cl.js\" data-site=\"{key}\"></script>",
        }, flags);
        body = ConsoleLayout.Fill(body, "<!--errors-->", ConsoleErrors.Html(errors ?? []));
        return ConsoleLayout.Page(context, ConsoleSection.Sites, heading, body, statusCode);
    }

    /// <summary>
    /// The admin API's request that puts <paramref name="existing"/> back as it is (the configuration's JSON is the
    /// request's shape), for a form that changes only some of it. The Twilio auth token is left out: the API then keeps
    /// the stored one for the same account.
    /// </summary>
    public static SiteRequest RequestOf(SiteConfig? existing)
    {
        if (existing is null) return new SiteRequest();
        var json = JsonSerializer.Serialize(existing, JsonOptions);
        var request = JsonSerializer.Deserialize<SiteRequest>(json, JsonOptions)!;
        if (request.Calls is not null) request.Calls.TwilioAuthToken = null;
        // The lead settings' stored names (forms, email, phone) are not the request's (emailField, phoneField).
        request.Leads = existing.Leads is { } leads ? new SiteLeadsRequest { Forms = leads.Forms, EmailField = leads.EmailField, PhoneField = leads.PhoneField } : null;
        return request;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
