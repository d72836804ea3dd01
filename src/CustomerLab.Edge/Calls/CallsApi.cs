using ClickHouse.Driver;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using CustomerLab.Edge.Calls.Twilio;
using CustomerLab.Edge.Calls.Sip;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Call webhooks: Twilio's under <c>/v1/calls/twilio</c> (<see cref="TwilioVoiceApi"/>: voice, status, dial action; durable
/// spool, answered at once) and <c>POST /v1/calls</c> (generic JSON, HMAC-SHA256; stored before it is answered, with the attribution).
/// </summary>
internal static class CallsApi
{
    public static IEndpointRouteBuilder MapCalls(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/v1/calls").WithTags("Calls").DisableAntiforgery();
        calls.MapPost("/", GenericAsync).WithDescription("Generic JSON call event (see GenericCallBody), signed with X-Signature-256: sha256=HEX.");
        app.MapTwilioVoice();
        app.MapTwilioRecording();
        Recordings.RecordingsApi.MapRecordings(app);
        Texts.TwilioSmsApi.MapTexts(app);
        app.MapSipPhoneServer();
        app.MapTwilioFallback();
        TestCalls.TestCallEndpoints.MapTestCalls(app);
        return app;
    }

    public sealed record CallAccepted(string CallId, string Status, string Attribution, string? SessionId);

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
        catch (Exception ex) when (Http.StoreFailures.IsStoreFailure(ex, cancellationToken))
        {
            // Not stored (a store is down, or the schema is still being migrated at start-up): say so, so the
            // provider retries, rather than acknowledge a call that is lost.
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The call could not be stored now: {ex.Message}");
        }
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, detail: detail);
}
