namespace CustomerLab.Edge.Backoffice;

/// <summary>Console endpoints for admins only (sites, users, the audit): 403 for an analyst.</summary>
internal sealed class AdminOnlyFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        ConsoleUser.Of(context.HttpContext).IsAdmin
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                detail: "Only an admin may do this (an operator grants the role with `users role NAME admin`)."));
}

/// <summary>
/// Console endpoints about one site: the site comes from the <c>site</c> route value, else the <c>site</c> query or form
/// value; 403 when the user may not read it (an analyst of another site, so a direct URL shows nothing of it). An
/// endpoint without any site is let through (it lists only the user's own sites itself).
/// </summary>
internal sealed class ConsoleSiteFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var site = http.GetRouteValue("site") as string;
        if (string.IsNullOrEmpty(site)) site = http.Request.Query["site"].ToString();
        if (string.IsNullOrEmpty(site) && http.Request.HasFormContentType)
            site = (await http.Request.ReadFormAsync(http.RequestAborted))["site"].ToString();
        if (!string.IsNullOrEmpty(site) && !ConsoleUser.Of(http).MayRead(site))
            return ConsoleProblems.NotYourSite(site);
        return await next(context);
    }
}

/// <summary>Access rules as endpoint conventions, for the console's pages and actions.</summary>
public static class ConsoleAccess
{
    /// <summary>Admins only (403 for analysts).</summary>
    public static TBuilder RequireConsoleAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AdminOnlyFilter>();

    /// <summary>Only users who may read the request's site (route, query or form value <c>site</c>); 403 otherwise.</summary>
    public static TBuilder RequireSiteAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, ConsoleSiteFilter>();
}

/// <summary>The console's refusals, as problem+json.</summary>
public static class ConsoleProblems
{
    /// <summary>403 for a site the user may not read: the same answer whether or not the site or its data exist.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotYourSite(string site) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: $"site: '{site}' is not among the sites this user may read.");
}
