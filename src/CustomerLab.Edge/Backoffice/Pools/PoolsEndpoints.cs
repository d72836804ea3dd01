using CustomerLab.Edge.Record;

namespace CustomerLab.Edge.Backoffice.Pools;

/// <summary>The pools page (<c>/console/pools</c>, every console user for their own sites) and its forms (admins).</summary>
internal static class PoolsEndpoints
{
    public static IEndpointRouteBuilder MapPools(this IEndpointRouteBuilder app)
    {
        var console = app.MapConsoleGroup();
        console.MapGet("/pools", PoolsPage.GetAsync).RequireSiteAccess();
        var changes = console.MapGroup("/pools/{site}").RequireConsoleAdmin().AddEndpointFilter<RecordUnavailableFilter>();
        changes.MapPost("/", PoolActions.CreateAsync);
        changes.MapPost("/{pool}", PoolActions.EditAsync);
        changes.MapPost("/{pool}/numbers", PoolActions.AddNumbersAsync);
        changes.MapPost("/{pool}/retire", PoolActions.RetireAsync);
        return app;
    }
}
