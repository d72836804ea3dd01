using ClickHouse.Driver;
using CustomerLab.Edge.Admin;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Privacy;

/// <summary>
/// Access and deletion requests over the admin API (global keys only): <c>POST /admin/privacy/export</c> and
/// <c>POST /admin/privacy/delete</c> with <c>{"visitorId":"…"}</c> or <c>{"phoneNumber":"+…"}</c>.
/// </summary>
internal static class PrivacyAdminEndpoints
{
    public sealed record PrivacyRequestBody(string? VisitorId, string? PhoneNumber);

    public static IEndpointRouteBuilder MapPrivacyAdmin(this IEndpointRouteBuilder app)
    {
        var privacy = app.MapGroup("/admin/privacy").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin").DisableAntiforgery();
        privacy.MapPost("/export", (HttpContext context, PrivacyRequestBody body, PrivacyRequests requests, IOptions<PrivacyOptions> options) =>
            RunAsync(context, body, requests, options.Value, delete: false));
        privacy.MapPost("/delete", (HttpContext context, PrivacyRequestBody body, PrivacyRequests requests, IOptions<PrivacyOptions> options) =>
            RunAsync(context, body, requests, options.Value, delete: true));
        return app;
    }

    private static async Task<Results<Ok<PrivacyOutcome>, ValidationProblem, ProblemHttpResult>> RunAsync(
        HttpContext context, PrivacyRequestBody body, PrivacyRequests requests, PrivacyOptions options, bool delete)
    {
        if (PrivacySubject.TryCreate(body.VisitorId, body.PhoneNumber, options.DefaultRegion, out var field, out var error) is not { } subject)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });
        try
        {
            var caller = AdminKeyFilter.Caller(context);
            return TypedResults.Ok(delete
                ? await requests.DeleteAsync(subject, caller, context.RequestAborted)
                : await requests.ExportAsync(subject, caller, context.RequestAborted));
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or HttpRequestException or TimeoutException or ClickHouseServerException or IOException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable",
                detail: "Redis or ClickHouse did not complete the request; nothing is reported as done. Retry later.");
        }
    }
}
