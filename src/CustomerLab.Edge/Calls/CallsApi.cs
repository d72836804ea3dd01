using ClickHouse.Driver;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls;

/// <summary>Call webhooks: <c>POST /v1/calls/twilio</c> (Twilio's form, X-Twilio-Signature) and <c>POST /v1/calls</c> (generic JSON, HMAC-SHA256).</summary>
internal static class CallsApi
{
    public static IEndpointRouteBuilder MapCalls(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/v1/calls").WithTags("Calls").DisableAntiforgery();
        // No Accepts(...) metadata: it would turn a wrong Content-Type into an empty 415; the handlers answer problem+json.
        calls.MapPost("/twilio", TwilioAsync).WithDescription("Twilio's application/x-www-form-urlencoded voice webhook, signed with X-Twilio-Signature.");
        calls.MapPost("/", GenericAsync).WithDescription("Generic JSON call event (see GenericCallBody), signed with X-Signature-256: sha256=HEX.");
        return app;
    }

    public sealed record CallAccepted(string CallId, string Status, string Attribution, string? SessionId);

    private static async Task<Results<Ok<CallAccepted>, ValidationProblem, ProblemHttpResult>> TwilioAsync(
        HttpContext context, CallRecorder recorder, IOptions<CallOptions> options, TimeProvider time)
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status400BadRequest, "Twilio posts application/x-www-form-urlencoded.");
        if (context.Request.ContentLength > options.Value.MaxBodyBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {options.Value.MaxBodyBytes} bytes.");
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problem(StatusCodes.Status400BadRequest, $"The form body cannot be read: {ex.Message}");
        }
        if (!TwilioWebhook.IsSigned(context.Request, form, options.Value))
            return Problem(StatusCodes.Status401Unauthorized, $"The {TwilioWebhook.SignatureHeader} header is missing or does not match.");
        var (call, missing) = TwilioWebhook.Read(form, time.GetUtcNow());
        if (call is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [missing!] = ["Required."] });
        return await RecordAsync(recorder, call, context.RequestAborted);
    }

    private static async Task<Results<Ok<CallAccepted>, ValidationProblem, ProblemHttpResult>> GenericAsync(
        HttpContext context, CallRecorder recorder, IOptions<CallOptions> options, TimeProvider time)
    {
        var max = options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > max)
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {max} bytes.");
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > max)
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {max} bytes.");
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!GenericWebhook.IsSigned(context.Request.Headers[GenericWebhook.SignatureHeader], body, options.Value.WebhookSecret))
            return Problem(StatusCodes.Status401Unauthorized, $"The {GenericWebhook.SignatureHeader} header is missing or does not match the body.");
        var (call, errors) = GenericWebhook.Read(body, time.GetUtcNow());
        if (call is null) return TypedResults.ValidationProblem(errors);
        return await RecordAsync(recorder, call, context.RequestAborted);
    }

    private static async Task<Results<Ok<CallAccepted>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        CallRecorder recorder, CallEvent call, CancellationToken cancellationToken)
    {
        try
        {
            var state = await recorder.RecordAsync(call, cancellationToken);
            return TypedResults.Ok(new CallAccepted(call.CallId, state.Status, state.Attribution.Status,
                state.Attribution.SessionId.Length > 0 ? state.Attribution.SessionId : null));
        }
        catch (Exception ex) when (ex is RedisException or HttpRequestException or ClickHouseServerException or TimeoutException)
        {
            // Not stored (a store is down, or the schema is still being migrated at start-up): say so, so the
            // provider retries, rather than acknowledge a call that is lost.
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The call could not be stored now: {ex.Message}");
        }
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, detail: detail);
}
