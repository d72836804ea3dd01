using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CustomerLab.LoadTest;

/// <summary>The bare Kestrel endpoint the edge is compared with: a constant JSON, no logging, no middleware.</summary>
internal static class BaselineServer
{
    // About the size of a /v1/number answer.
    private static readonly byte[] Body = """
        {"number":"+12025550100","national":"(202) 555-0100","international":"+1 202-555-0100","uri":"tel:+1-202-555-0100","status":"renewed","reason":null,"expiresAt":"2026-11-29T09:26:08.303+00:00","targets":["+12025550198"],"pool":"main","sticky":false}
        """u8.ToArray();

    public static void Run(int port)
    {
        // Configuration read once, as the edge does (EdgeHost.Arguments): a reloading source watches the content root,
        // the run directory, and woke on every write of the edge's spool there (7% of a core in the number phase).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"], ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/", static () => Results.Bytes(Body, "application/json"));
        app.MapPost("/", static () => Results.Bytes(Body, "application/json"));
        app.Run();
    }
}
