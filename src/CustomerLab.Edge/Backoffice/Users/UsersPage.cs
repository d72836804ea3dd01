using System.Globalization;
using System.Text;
using System.Text.Json;
using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.Assets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.Users;

/// <summary>
/// <c>/console/users</c>, admins only: every user with their role and sites, a form to add one (<c>POST /console/users</c>)
/// and one per user to change them (<c>POST /console/users/{name}</c>). The store is the one the <c>users</c> command
/// uses (<see cref="AccountStore"/>), with its rules: names, password length, <c>*</c> or site keys. Every change is audited.
/// </summary>
internal static class UsersPage
{
    private static readonly HtmlTemplate Page = new("Backoffice/Users/Html/users.html");
    private static readonly HtmlTemplate Row = new("Backoffice/Users/Html/user-row.html");
    private static readonly (string, string)[] Roles = [(UserRoles.Analyst, "Analyst"), (UserRoles.Admin, "Admin")];

    public static Task<ContentHttpResult> GetAsync(HttpContext context, string? saved, AccountStore accounts) =>
        RenderAsync(context, accounts, saved == "true" ? "Saved." : "", null, [], StatusCodes.Status200OK);

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> AddAsync(HttpContext context, AccountStore accounts, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString().Trim();
        var errors = new List<string>();
        if (!AccountStore.IsValidName(name)) errors.Add("name: letters, digits, '.', '_' or '-'.");
        else if (await accounts.FindHashAsync(name) is not null) errors.Add($"name: a user '{name}' exists already; change their role and sites in the list.");
        if (form["password"].ToString().Length < AccountStore.MinPasswordLength) errors.Add($"password: at least {AccountStore.MinPasswordLength} characters.");
        var (role, sites) = Read(form, errors);
        if (errors.Count > 0) return await RenderAsync(context, accounts, "", form, errors, StatusCodes.Status400BadRequest);
        await accounts.SetAsync(name, form["password"].ToString());
        await accounts.SetRoleAsync(name, role);
        await accounts.SetSitesAsync(name, sites);
        await audit.RecordAsync(ConsoleUser.Of(context), "user.add", "", Details(name, role, sites));
        return TypedResults.Redirect("/console/users?saved=true");
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> ChangeAsync(string name, HttpContext context, AccountStore accounts, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var errors = new List<string>();
        if (!AccountStore.IsValidName(name) || await accounts.FindHashAsync(name) is null) errors.Add($"name: no user '{name}'.");
        var (role, sites) = Read(form, errors);
        if (errors.Count > 0) return await RenderAsync(context, accounts, "", null, errors, StatusCodes.Status400BadRequest);
        await accounts.SetRoleAsync(name, role);
        await accounts.SetSitesAsync(name, sites);
        await audit.RecordAsync(ConsoleUser.Of(context), "user.change", "", Details(name, role, sites));
        return TypedResults.Redirect("/console/users?saved=true");
    }

    /// <summary>The role and sites of a form, by the CLI's rules; an analyst needs sites (an admin reads every site anyway).</summary>
    private static (UserRole Role, SiteAccess Sites) Read(IFormCollection form, List<string> errors)
    {
        var role = UserRoles.FromArgument(form["role"].ToString());
        if (role is null) errors.Add("role: admin or analyst.");
        var text = form["sites"].ToString().Trim();
        SiteAccess? sites = SiteAccess.None;
        if (text.Length > 0)
        {
            sites = SiteAccess.FromArgument(text, out var error);
            if (sites is null) errors.Add("sites: " + error!.Replace("--sites: ", "").Replace("--sites ", ""));
        }
        else if (role == UserRole.Analyst) errors.Add("sites: an analyst needs at least one site key, or *.");
        return (role ?? UserRole.Analyst, sites ?? SiteAccess.None);
    }

    private static string Describe(SiteAccess sites) => sites.Every ? "*" : string.Join(", ", sites.Sites.Order(StringComparer.Ordinal));

    private static string Details(string name, UserRole role, SiteAccess sites) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["user"] = name, ["role"] = role.Name(), ["sites"] = Describe(sites) });

    private static async Task<ContentHttpResult> RenderAsync(HttpContext context, AccountStore accounts, string saved, IFormCollection? typed,
        IReadOnlyList<string> errors, int statusCode)
    {
        var csrf = ConsoleLayout.Csrf(context);
        var users = (await accounts.ListAccessAsync()).OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
        var rows = new StringBuilder();
        foreach (var (name, access) in users)
            rows.Append(ConsoleLayout.Fill(Row.Render(new Dictionary<string, string> { ["name"] = name, ["csrf"] = csrf, ["sites"] = Describe(access.Sites) }),
                "<!--roleOptions-->", ConsoleForms.Options(Roles, access.Role.Name())));
        var flags = new HashSet<string> { users.Count == 0 ? "empty" : "rows" };
        if (saved.Length > 0) flags.Add("saved");
        var body = Page.Render(new Dictionary<string, string>
        {
            ["saved"] = saved, ["csrf"] = csrf, ["name"] = typed?["name"].ToString() ?? "", ["sites"] = typed?["sites"].ToString() ?? "",
            ["minPassword"] = AccountStore.MinPasswordLength.ToString(CultureInfo.InvariantCulture),
        }, flags);
        body = ConsoleLayout.Fill(body, "<!--rows-->", rows.ToString());
        body = ConsoleLayout.Fill(body, "<!--roleOptions-->", ConsoleForms.Options(Roles, typed?["role"].ToString() ?? UserRoles.Analyst));
        body = ConsoleLayout.Fill(body, "<!--errors-->", ConsoleErrors.Html(errors));
        return ConsoleLayout.Page(context, ConsoleSection.Users, "Users", body, statusCode);
    }
}
