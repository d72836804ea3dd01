using CustomerLab.Edge.Accounts;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// Reads the signed-in user's role and sites once per console request (<see cref="ConsoleUser.Of"/>); 503 with
/// Retry-After when the user store cannot be read, 403 when nobody is signed in.
/// </summary>
internal sealed class ConsoleUserFilter(AccountStore accounts) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.Name is not { } name)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Sign in to use the console.");
        try
        {
            new ConsoleUser(name, await accounts.GetAccessAsync(name)).AttachTo(http);
        }
        catch (StackExchange.Redis.RedisException)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The user store cannot be read; try again shortly.");
        }
        return await next(context);
    }
}
