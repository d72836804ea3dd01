using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Backoffice.CallLog;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// The console's shell: <c>/console</c> (to the call log), its script <c>/console/console.js</c> (built from
/// report-js/src/console.js) and the audit page. The call log and journeys are in <c>Backoffice/CallLog</c>.
/// </summary>
internal static class BackofficeEndpoints
{
    public static IEndpointRouteBuilder MapBackoffice(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/console.js", (IWebHostEnvironment environment, IConfiguration configuration) =>
            BuiltScript.Serve(environment, configuration["Console:ScriptPath"], "console.js")).ExcludeFromDescription();
        var console = app.MapConsoleGroup();
        console.MapGet("/", () => TypedResults.Redirect("/console/calls"));
        console.MapGet("/audit", AuditPage.GetAsync).RequireConsoleAdmin();
        app.MapCallLog();
        SiteSetup.SiteSetupEndpoints.MapConsoleSetup(app);
        return app;
    }
}
