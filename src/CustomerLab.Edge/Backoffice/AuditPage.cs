using System.Globalization;
using System.Text;
using CustomerLab.Edge.Assets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice;

/// <summary><c>GET /console/audit[?site=KEY]</c>, admins only: the newest 500 entries of <see cref="ConsoleAudit"/>.</summary>
internal static class AuditPage
{
    private const int Limit = 500;
    private static readonly HtmlTemplate Page = new("Backoffice/Html/audit.html");
    private static readonly HtmlTemplate Row = new("Backoffice/Html/audit-row.html");

    public static async Task<Results<ContentHttpResult, ValidationProblem>> GetAsync(HttpContext context, string? site, ConsoleAudit audit, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(site) && !Sites.SiteValidation.SiteKeyPattern().IsMatch(site))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["site"] = ["A site key (3 to 64 letters, digits, '-' or '_')."] });
        var entries = await audit.ReadAsync(site, Limit, cancellationToken);
        var rows = new StringBuilder();
        foreach (var e in entries)
            rows.Append(Row.Render(new Dictionary<string, string>
            {
                ["at"] = ConsoleFormat.Iso(e.At), ["user"] = e.UserName, ["role"] = e.UserRole, ["action"] = e.Action, ["site"] = e.Site, ["details"] = e.Details,
            }));
        var body = Page.Render(new Dictionary<string, string>
        {
            ["site"] = site ?? "",
            ["emptySuffix"] = string.IsNullOrEmpty(site) ? "" : " for site " + site,
            ["count"] = entries.Count.ToString(CultureInfo.InvariantCulture),
        }, new HashSet<string> { entries.Count == 0 ? "empty" : "rows" });
        return ConsoleLayout.Page(context, ConsoleSection.Audit, "Audit", ConsoleLayout.Fill(body, "<!--rows-->", rows.ToString()));
    }
}
