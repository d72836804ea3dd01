using CustomerLab.Edge.Calls.Payouts;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>The call log (<c>/console/calls</c>, <c>/console/calls.csv</c>) and each call's journey and marks.</summary>
internal static class CallLogEndpoints
{
    public static IServiceCollection AddCallLog(this IServiceCollection services)
    {
        services.AddSingleton<CallLogReader>();
        services.AddSingleton<JourneyReader>();
        services.AddSingleton<CallMarks>();
        return services;
    }

    public static IEndpointRouteBuilder MapCallLog(this IEndpointRouteBuilder app)
    {
        var console = app.MapConsoleGroup();
        console.MapGet("/calls", CallLogPage.GetAsync).RequireSiteAccess();
        console.MapGet("/calls.csv", CallLogPage.CsvAsync).RequireSiteAccess();
        console.MapGet("/calls/{id}", JourneyPage.GetAsync);
        console.MapPost("/calls/{id}/marks", CallMarkAction.PostAsync);
        return app;
    }
}
