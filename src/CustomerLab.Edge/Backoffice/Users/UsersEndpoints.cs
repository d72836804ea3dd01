namespace CustomerLab.Edge.Backoffice.Users;

/// <summary>The users page, admins only (<see cref="UsersPage"/>).</summary>
internal static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapConsoleGroup().MapGroup("/users").RequireConsoleAdmin();
        users.MapGet("/", UsersPage.GetAsync);
        users.MapPost("/", UsersPage.AddAsync);
        users.MapPost("/{name}", UsersPage.ChangeAsync);
        return app;
    }
}
