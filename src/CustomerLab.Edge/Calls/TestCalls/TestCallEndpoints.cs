using CustomerLab.Edge.Http;
using CustomerLab.Edge.Phones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Calls.TestCalls;

/// <summary>
/// <c>POST /dev/test-call</c> (form field <c>number</c>, the tracking number a page shows): places a test call to it
/// (<see cref="TestCallPlacer"/>) and answers what was placed. The demo page's "place a test call" button posts here.
/// Mapped only in the Development environment (404 everywhere else), and only from the edge's own pages.
/// </summary>
internal static class TestCallEndpoints
{
    public const string Path = "/dev/test-call";

    public static IEndpointRouteBuilder MapTestCalls(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IWebHostEnvironment>().IsDevelopment()) return app;
        app.MapPost(Path, PlaceAsync).WithTags("Development").DisableAntiforgery()
            .WithDescription("Development only: places a test call (signed Twilio webhooks through the real call path) to a tracking number; stored flagged as simulated.");
        return app;
    }

    /// <summary>True when this edge maps the test-call endpoint (the demo page shows its button then).</summary>
    public static bool IsEnabled(IWebHostEnvironment environment) => environment.IsDevelopment();

    private static async Task<Results<Ok<TestCallPlaced>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        HttpContext context, TestCallPlacer placer, CancellationToken cancellationToken)
    {
        // The same rule as the other forms the edge's pages post: never from another site's page riding a browser.
        if (!SameOriginForm.IsAllowed(context.Request, allowNullOrigin: false))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "A test call is placed from the edge's own pages only.");
        if (!context.Request.HasFormContentType)
            return Invalid("A form post (application/x-www-form-urlencoded) with the tracking number.");
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var text = form["number"].ToString();
        if (text.Length == 0) return Invalid("Required: the tracking number the page shows.");
        if (!PhoneNumberParsing.TryParse(text, "US", out var number, out var error)) return Invalid(error);
        var outcome = await placer.PlaceAsync(context.Request, number.E164, cancellationToken);
        if (outcome.Placed is { } placed) return TypedResults.Ok(placed);
        return outcome.Status == StatusCodes.Status400BadRequest
            ? Invalid(outcome.Problem)
            : TypedResults.Problem(statusCode: outcome.Status, title: "Test call not placed", detail: outcome.Problem);
    }

    private static ValidationProblem Invalid(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = [message] });
}
