using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.Assets;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice;

/// <summary>The console's sections, for the navigation's current item.</summary>
public enum ConsoleSection
{
    Calls,
    Pools,
    Sites,
    Users,
    Audit,
}

/// <summary>
/// The console's shared page: header, navigation (Sites, Users and Audit only for admins), sign-out, the antiforgery
/// token in <c>&lt;meta name="csrf-token"&gt;</c>, and the console script (times in the viewer's zone, the token on
/// fetches). A page renders its own body from its <see cref="HtmlTemplate"/> files and hands it over already encoded.
/// </summary>
public static class ConsoleLayout
{
    private const string PageMarker = "<!--page-->";
    private static readonly HtmlTemplate Layout = new("Backoffice/Html/layout.html");

    /// <summary>The antiforgery token for this request's forms (<c>&lt;input type="hidden" name="__csrf" value="…"&gt;</c>).</summary>
    public static string Csrf(HttpContext context) =>
        context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!;

    /// <summary>
    /// Puts <paramref name="html"/> (rows rendered from a template, already encoded) where a page template holds
    /// <paramref name="marker"/> (an HTML comment such as <c>&lt;!--rows--&gt;</c>, which templates leave alone).
    /// </summary>
    public static string Fill(string renderedPage, string marker, string html) => renderedPage.Replace(marker, html, StringComparison.Ordinal);

    /// <summary>A whole console page around <paramref name="bodyHtml"/> (HTML from a template, already encoded).</summary>
    public static ContentHttpResult Page(HttpContext context, ConsoleSection section, string title, string bodyHtml, int statusCode = StatusCodes.Status200OK)
    {
        var user = ConsoleUser.Of(context);
        string Current(ConsoleSection s) => s == section ? "page" : "false";
        var values = new Dictionary<string, string>
        {
            ["csrf"] = Csrf(context),
            ["title"] = title,
            ["userName"] = user.Name,
            ["userRole"] = user.Access.Role.Name(),
            ["navCalls"] = Current(ConsoleSection.Calls),
            ["navPools"] = Current(ConsoleSection.Pools),
            ["navSites"] = Current(ConsoleSection.Sites),
            ["navUsers"] = Current(ConsoleSection.Users),
            ["navAudit"] = Current(ConsoleSection.Audit),
        };
        var html = Layout.Render(values, user.IsAdmin ? new HashSet<string> { "admin" } : null);
        context.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Content(Fill(html, PageMarker, bodyHtml), "text/html; charset=utf-8", statusCode: statusCode);
    }
}
