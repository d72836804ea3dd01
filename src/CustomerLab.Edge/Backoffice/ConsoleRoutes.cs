using CustomerLab.Edge.Accounts;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// Where every console endpoint is mapped: <c>app.MapConsoleGroup()</c> is <c>/console</c> behind the sign-in
/// (redirect to <c>/login</c>), with <see cref="ConsoleUser"/> read for each request, the antiforgery token checked on
/// every change (<see cref="ConsoleAntiforgeryFilter"/>) (a failing store is answered 503 by the app's <see cref="Http.StoreFailureAnswer"/>). Add <see cref="ConsoleAccess.RequireConsoleAdmin"/> or
/// <see cref="ConsoleAccess.RequireSiteAccess"/> per endpoint, draw pages with <see cref="ConsoleLayout"/>, and record
/// each change with <see cref="ConsoleAudit"/>.
/// </summary>
public static class ConsoleRoutes
{
    public static RouteGroupBuilder MapConsoleGroup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/console");
        group.RequireAuthorization(AccountsEndpoints.Policy)
            // The group's own check covers forms and fetches alike (the framework's covers only bound forms).
            .DisableAntiforgery()
            .AddEndpointFilter<ConsoleUserFilter>()
            .AddEndpointFilter<ConsoleAntiforgeryFilter>()
            .ExcludeFromDescription();
        return group;
    }
}
