using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Backoffice.Pools;
using CustomerLab.Edge.Record;

namespace CustomerLab.Edge.Backoffice.SiteSetup;

/// <summary>
/// The console's setup pages (part B of the console): sites (<c>/console/sites</c>, admins), pools
/// (<see cref="PoolsEndpoints"/>) and users (<see cref="Users.UsersEndpoints"/>), and their script
/// <c>/console/setup.js</c> (built from report-js/src/setup.js: the pools chart, the copy buttons).
/// </summary>
internal static class SiteSetupEndpoints
{
    public static IServiceCollection AddConsoleSetup(this IServiceCollection services)
    {
        services.AddSingleton<AdminApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapConsoleSetup(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/setup.js", (IWebHostEnvironment environment, IConfiguration configuration) =>
            BuiltScript.Serve(environment, configuration["Console:SetupScriptPath"], "setup.js")).ExcludeFromDescription();
        var sites = app.MapConsoleGroup().MapGroup("/sites").RequireConsoleAdmin();
        sites.MapGet("/", SitesPage.ListAsync);
        sites.MapGet("/new", SitesPage.New);
        sites.MapGet("/{site}", SitesPage.EditAsync);
        sites.MapPost("/new", SiteActions.CreateAsync).AddEndpointFilter<RecordUnavailableFilter>();
        sites.MapPost("/{site}", SiteActions.EditAsync).AddEndpointFilter<RecordUnavailableFilter>();
        app.MapPools();
        Users.UsersEndpoints.MapUsers(app);
        return app;
    }
}
