using CustomerLab.Edge.Cookies;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Accounts;

internal static class AccountsServiceCollectionExtensions
{
    /// <summary>Report page users, the sign-in cookie scheme and the <see cref="AccountsEndpoints.Policy"/> policy.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.TryAddSingleton<IPasswordHasher<string>, PasswordHasher<string>>();
        services.AddSingleton<AccountStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<CustomerLab.Edge.Record.IRecordedState, AccountsRecordedState>());
        services.AddLoginThrottle();
        // The sign-in cookie matters only to the report pages, so it is no default scheme: the authentication
        // middleware then leaves every other request alone (the tag's /v1 calls were each paying for a cookie handler,
        // a parse of their Cookie header and a task; see loadtest/). The report endpoints' policy names the scheme.
        // With one scheme registered, ASP.NET Core would make it the default anyway unless a process-wide switch says
        // not to: the host sets it (EdgeHost.SetProcessSwitches).
        const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
        services.AddAuthentication(options =>
            {
                options.DefaultSignInScheme = Scheme;
                options.DefaultSignOutScheme = Scheme;
                options.DefaultChallengeScheme = Scheme;
                options.DefaultForbidScheme = Scheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = "cl_login";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                // API calls get 401, not a redirect to the login page.
                options.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/report/data")) context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<CookieSettings>>((options, cookies) =>
                options.Cookie.SecurePolicy = cookies.Value.Secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.AddAuthorizationBuilder().AddPolicy(AccountsEndpoints.Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}
