namespace CustomerLab.Edge.Accounts;

/// <summary>
/// Lets a signed-in report user reach a site's data only when they may read it (<see cref="UserAccess.MayRead"/>: an
/// admin reads every site, an analyst the sites on their list, managed with <c>users sites</c>): 403 otherwise, 503 when the list cannot be read. The site comes from the
/// <c>site</c> route value.
/// </summary>
public sealed class UserSiteFilter(AccountStore accounts) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var name = http.User.Identity?.Name;
        var site = http.GetRouteValue("site") as string;
        if (name is null || site is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Sign in to read a site's data.");
        UserAccess access;
        try
        {
            access = await accounts.GetAccessAsync(name);
        }
        catch (StackExchange.Redis.RedisException)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The user store cannot be read; try again shortly.");
        }
        if (!access.MayRead(site))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                detail: $"site: '{site}' is not among the sites this user may read (an operator grants it with `users sites`).");
        return await next(context);
    }
}
