using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Backoffice.CallLog;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Backoffice;

internal static class BackofficeServiceCollectionExtensions
{
    /// <summary>The console: antiforgery tokens (cookie <c>cl_csrf</c>), its filters and the audit.</summary>
    public static IServiceCollection AddBackoffice(this IServiceCollection services)
    {
        services.AddAntiforgery(options =>
        {
            options.FormFieldName = ConsoleAntiforgeryFilter.FormField;
            options.HeaderName = ConsoleAntiforgeryFilter.Header;
            options.Cookie.Name = ConsoleAntiforgeryFilter.CookieName;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/console";
        });
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<CookieSettings>>((options, cookies) =>
            options.Cookie.SecurePolicy = cookies.Value.Secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.AddSingleton<ConsoleUserFilter>();
        services.AddSingleton<ConsoleAntiforgeryFilter>();
        services.AddSingleton<AdminOnlyFilter>();
        services.AddSingleton<ConsoleSiteFilter>();
        services.AddSingleton<ConsoleAudit>();
        services.AddCallLog();
        SiteSetup.SiteSetupEndpoints.AddConsoleSetup(services);
        return services;
    }
}
