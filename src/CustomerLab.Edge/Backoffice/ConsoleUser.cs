using CustomerLab.Edge.Accounts;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// The signed-in user of a console request, with their role and sites, read once per request by
/// <see cref="ConsoleUserFilter"/> (every endpoint of <see cref="ConsoleRoutes.MapConsoleGroup"/> has it).
/// </summary>
public sealed record ConsoleUser(string Name, UserAccess Access)
{
    private const string ItemKey = "customerlab.console-user";

    public bool IsAdmin => Access.IsAdmin;

    /// <summary>An admin reads every site; an analyst the sites on their list.</summary>
    public bool MayRead(string site) => Access.MayRead(site);

    /// <summary>The console user of this request; only inside the console group (a programming error elsewhere).</summary>
    public static ConsoleUser Of(HttpContext context) => context.Items[ItemKey] as ConsoleUser
        ?? throw new InvalidOperationException("No console user: map the endpoint with ConsoleRoutes.MapConsoleGroup.");

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
