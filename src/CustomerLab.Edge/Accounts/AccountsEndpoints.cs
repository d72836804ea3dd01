using System.Net;
using System.Security.Claims;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Http;
using CustomerLab.Edge.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// The browser login for the report pages: ASP.NET Core cookie authentication (<c>cl_login</c>, HttpOnly,
/// SameSite=Strict, 8 h sliding), <c>GET/POST /login</c>, <c>POST /logout</c>. Posts are accepted only from the page
/// itself (Sec-Fetch-Site/Origin), and a failed sign-in costs the same as a good one.
/// </summary>
internal static partial class AccountsEndpoints
{
    public const string Policy = "reports";

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (string? returnUrl) => Page(returnUrl, failed: false)).ExcludeFromDescription();
        app.MapPost("/login", SignInAsync).DisableAntiforgery().RequireRateLimiting(LoginThrottleExtensions.RateLimitPolicy).ExcludeFromDescription();
        app.MapPost("/logout", async (HttpContext context) =>
        {
            if (!SameOriginForm.IsAllowed(context.Request, allowNullOrigin: false))
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Sign out from the edge's own pages.");
            await context.SignOutAsync();
            return Results.Redirect("/login");
        }).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, AccountStore accounts, LoginThrottle throttle, ILogger<AccountStore> logger)
    {
        if (!SameOriginForm.IsAllowed(context.Request, allowNullOrigin: false))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Sign in from the login page itself.");
        if (!context.Request.HasFormContentType)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "A form post is expected.");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        if (!AccountStore.IsValidName(name) || password.Length == 0)
        {
            LogFailed(logger, "(invalid name)");
            return Page(returnUrl, failed: true);
        }
        try
        {
            // Per-account slow-down before any CPU is spent; never a lockout (the right password works after the wait).
            if (await throttle.WaitBeforeAttemptAsync(name) is { TotalSeconds: > 0 } wait)
                return Refused(context, StatusCodes.Status429TooManyRequests, wait, "Too many failed sign-ins for this name; wait before trying again.");
            var hash = await accounts.FindHashAsync(name);
            var (ran, ok) = await throttle.RunHashAsync(() => Task.FromResult(accounts.Verify(name, hash, password)), context.RequestAborted);
            if (!ran)
                return Refused(context, StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1), "Too many sign-ins at once; try again in a moment.");
            if (!ok)
            {
                await throttle.RecordFailureAsync(name);
                LogFailed(logger, name);
                return Page(returnUrl, failed: true);
            }
            await throttle.RecordSuccessAsync(name);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogStoreUnavailable(logger, ex.GetType().Name);
            return Refused(context, StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(5), "Sign-in is unavailable for a moment; try again shortly.");
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(new ClaimsPrincipal(identity));
        LogSignedIn(logger, name);
        // Only local paths: never an open redirect.
        return TypedResults.Redirect(Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(returnUrl) ? returnUrl : "/report");
    }


    /// <summary>A problem answer with Retry-After; never exception text.</summary>
    private static IResult Refused(HttpContext context, int status, TimeSpan retryAfter, string detail)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: status, detail: detail);
    }

    /// <summary>The sign-in form; after a failed attempt it says so.</summary>
    private static readonly HtmlTemplate SignInPage = new("Accounts/Html/signin.html");

    private static IResult Page(string? returnUrl, bool failed)
    {
        var html = SignInPage.Render(new Dictionary<string, string> { ["returnUrl"] = returnUrl ?? "/report" },
            failed ? new HashSet<string> { "failed" } : null);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }

    [LoggerMessage(9001, LogLevel.Information, "Report user {Name} signed in", EventName = "SignedIn")]
    private static partial void LogSignedIn(ILogger logger, string name);

    [LoggerMessage(9002, LogLevel.Warning, "Failed sign-in for {Name}", EventName = "SignInFailed")]
    private static partial void LogFailed(ILogger logger, string name);

    [LoggerMessage(9003, LogLevel.Error, "Sign-in answered 503: the account store failed ({ErrorType})", EventName = "SignInStoreUnavailable")]
    private static partial void LogStoreUnavailable(ILogger logger, string errorType);
}
