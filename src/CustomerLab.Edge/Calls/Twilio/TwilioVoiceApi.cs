using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls.Twilio;

/// <summary>
/// Twilio's voice webhooks under <c>/v1/calls/twilio</c>, each signed (<see cref="TwilioSignature"/>, with the site's own
/// auth token when it has one; 401 and nothing stored otherwise):
/// <list type="bullet">
/// <item><c>POST /voice</c>, the number's Voice URL: routed from memory (<see cref="CallRouter"/>), answered with a
/// <c>&lt;Dial&gt;</c> to the business line, or <c>&lt;Reject/&gt;</c> for a number that is no site's.</item>
/// <item><c>POST /status</c>, the number's status callback and the business leg's (<c>&lt;Number statusCallback&gt;</c>,
/// mapped to the caller's call through <c>ParentCallSid</c>); <c>POST /v1/calls/twilio</c> is the same endpoint.</item>
/// <item><c>POST /dial</c>, the <c>&lt;Dial action&gt;</c>: records how the Dial ended; says the site's no-answer message
/// when the business did not answer; hangs up.</item>
/// </list>
/// Every callback is in the durable call-event spool (<see cref="CallEventLog"/>) before it is answered; the voice
/// webhook hands its event to the spool without waiting for the disk. None waits on Redis or ClickHouse.
/// </summary>
internal static partial class TwilioVoiceApi
{
    public const string VoicePath = "/v1/calls/twilio/voice", StatusPath = "/v1/calls/twilio/status", DialPath = "/v1/calls/twilio/dial";

    /// <summary>The query parameter of the business leg's status callback URL naming the tracking number called.</summary>
    public const string TrackingNumberParameter = "tn";

    public static IEndpointRouteBuilder MapTwilioVoice(this IEndpointRouteBuilder app)
    {
        // No Accepts(...) metadata: it would turn a wrong Content-Type into an empty 415; the handlers answer problem+json.
        var twilio = app.MapGroup("/v1/calls/twilio").WithTags("Calls").DisableAntiforgery();
        twilio.MapPost("/voice", VoiceAsync).WithDescription("The number's Voice URL: answers TwiML, a <Dial> to the site's or pool's forward-to number.");
        twilio.MapPost("/status", StatusAsync).WithDescription("The number's status callback, and the business leg's (<Number statusCallback>).");
        twilio.MapPost("/dial", DialAsync).WithDescription("The <Dial action>: records DialCallStatus and DialCallDuration; answers TwiML.");
        twilio.MapPost("/", StatusAsync).WithDescription("Same as /v1/calls/twilio/status (kept for numbers configured before it existed).");
        return app;
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> VoiceAsync(
        HttpContext context, CallRouter router, CallEventLog log, IOptions<CallOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var (form, problem) = await TwilioForm.ReadAsync(context, options.Value);
        if (form is null) return problem!;
        var route = router.Find(form["To"].ToString());
        if (!TwilioSignature.IsValid(context.Request, form, TokenFor(route, options.Value), options.Value)) return Unsigned();
        if (TwilioForm.Missing(form, "CallSid", "To") is { } missing) return Required(missing);
        if (route is null && !router.IsCurrent)
        {
            // Unknown only because Redis could not be read: an error makes Twilio take the number's Voice Fallback URL,
            // whose static TwiML dials the business; a rejection would drop the caller.
            LogUnknownWhileStale(Logger(loggers), form["To"].ToString(), form["CallSid"].ToString());
            return TwilioForm.Problem(StatusCodes.Status503ServiceUnavailable,
                "The routing table could not be refreshed from Redis and does not know this number; Twilio falls back to the number's Voice Fallback URL.");
        }
        if (route is null)
        {
            LogRejected(Logger(loggers), form["To"].ToString(), form["CallSid"].ToString());
            return Twiml(TwilioTwiml.Reject());
        }
        var call = TwilioForm.Voice(form, route, time.GetUtcNow());
        var recording = route.RecordingOrOff;
        if (route.ForwardTo is null || !recording.Enabled)
        {
            // The caller is waiting, and every fact of this event comes again in the status callbacks (the business leg's
            // names the line dialled): the answer does not wait for the disk; the spool's writer commits it with its group.
            _ = SpoolAsync(log, call, loggers);
        }
        if (route.ForwardTo is null)
        {
            LogNoForwardTo(Logger(loggers), route.Number, route.SiteKey, call.CallId);
            return Twiml(TwilioTwiml.Reject());
        }
        var baseUrl = TwilioSignature.BaseUrl(context.Request, options.Value);
        var tn = $"?{TrackingNumberParameter}={Uri.EscapeDataString(route.Number)}";
        TwilioTwiml.RecordingTwiml? recorded = null;
        // A recorded call must be able to show that its caller heard the notice: the record of it is durable before
        // the TwiML asks Twilio to record; when it cannot be stored, the call is connected without recording.
        if (recording.Enabled && await TryAppendAsync(log, call with { Notice = recording.Notice }, loggers))
            recorded = new(recording, new Uri(baseUrl + TwilioRecordingApi.RecordingPath + tn), new Uri(baseUrl + TwilioRecordingApi.WhisperPath + tn));
        return Twiml(TwilioTwiml.Dial(route, call.From, new Uri(baseUrl + DialPath), new Uri(baseUrl + StatusPath + tn), recorded));
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> StatusAsync(
        HttpContext context, CallRouter router, CallEventLog log, IOptions<CallOptions> options, TimeProvider time)
    {
        var (form, problem) = await TwilioForm.ReadAsync(context, options.Value);
        if (form is null) return problem!;
        var businessLeg = !string.IsNullOrEmpty(form["ParentCallSid"]);
        var tracking = businessLeg ? context.Request.Query[TrackingNumberParameter].ToString() : form["To"].ToString();
        if (!TwilioSignature.IsValid(context.Request, form, TokenFor(router.Find(tracking), options.Value), options.Value)) return Unsigned();
        if (TwilioForm.Missing(form, businessLeg ? ["ParentCallSid", "CallStatus"] : ["CallSid", "To", "CallStatus"]) is { } missing) return Required(missing);
        if (businessLeg && tracking.Length == 0) return Required(TrackingNumberParameter);
        var status = form["CallStatus"].ToString().ToLowerInvariant();
        if (!CallEvent.Statuses.Contains(status))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["CallStatus"] = [$"One of: {string.Join(", ", CallEvent.Statuses)}."] });
        var now = time.GetUtcNow();
        var call = businessLeg ? TwilioForm.BusinessStatus(form, tracking, now) : TwilioForm.CallerStatus(form, now);
        try
        {
            await log.AppendAsync(call);
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException or ObjectDisposedException)
        {
            // Not durable, so not acknowledged: the only case a callback gets a 5xx.
            return TwilioForm.Problem(StatusCodes.Status503ServiceUnavailable, $"The call event could not be stored: {ex.Message}");
        }
        return Twiml(TwilioTwiml.Empty());
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> DialAsync(
        HttpContext context, CallRouter router, CallEventLog log, IOptions<CallOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var (form, problem) = await TwilioForm.ReadAsync(context, options.Value);
        if (form is null) return problem!;
        var route = router.Find(form["To"].ToString());
        if (!TwilioSignature.IsValid(context.Request, form, TokenFor(route, options.Value), options.Value)) return Unsigned();
        if (TwilioForm.Missing(form, "CallSid", "To", "DialCallStatus") is { } missing) return Required(missing);
        var outcome = TwilioForm.DialOutcome(form, time.GetUtcNow());
        await SpoolAsync(log, outcome, loggers);
        var answered = outcome.DialStatus is "completed" or "answered";
        return Twiml(TwilioTwiml.AfterDial(answered, route?.Settings.NoAnswerMessage ?? Sites.SiteCallSettings.DefaultNoAnswerMessage));
    }

    /// <summary>The site's own auth token when it has one, else the deployment's.</summary>
    internal static string TokenFor(CallRoute? route, CallOptions options) => route?.Settings.TwilioAuthToken ?? options.TwilioAuthToken;

    /// <summary>Spools an event whose answer is TwiML the caller is waiting for: a failure is logged, the caller still connected.</summary>
    internal static async Task SpoolAsync(CallEventLog log, CallEvent call, ILoggerFactory loggers) => await TryAppendAsync(log, call, loggers);

    /// <summary>Spools an event; false (logged) when it could not be made durable.</summary>
    internal static async Task<bool> TryAppendAsync(CallEventLog log, CallEvent call, ILoggerFactory loggers)
    {
        try
        {
            await log.AppendAsync(call);
            return true;
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException or ObjectDisposedException)
        {
            LogNotSpooled(Logger(loggers), call.CallId, call.Leg, ex.Message);
            return false;
        }
    }

    /// <summary>Only the answers that log need a logger.</summary>
    internal static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(TwilioVoiceApi));

    internal static ContentHttpResult Twiml(string xml) => TypedResults.Text(xml, "text/xml");

    internal static ProblemHttpResult Unsigned() =>
        TwilioForm.Problem(StatusCodes.Status401Unauthorized, $"The {TwilioSignature.Header} header is missing or does not match.");

    internal static ValidationProblem Required(string field) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["Required."] });

    [LoggerMessage(8301, LogLevel.Information, "Call {CallId} to {Number} rejected: not a number of any site", EventName = "CallRejectedUnknownNumber")]
    private static partial void LogRejected(ILogger logger, string number, string callId);

    [LoggerMessage(8302, LogLevel.Warning, "Call {CallId} to {Number} of site {SiteKey} rejected: the site has no forward-to number", EventName = "CallRejectedNoForwardTo")]
    private static partial void LogNoForwardTo(ILogger logger, string number, string siteKey, string callId);

    [LoggerMessage(8304, LogLevel.Warning, "Call {CallId} to {Number}: not in the routing table, which Redis could not refresh; answered 503 for Twilio's fallback", EventName = "CallUnknownWhileRoutesStale")]
    private static partial void LogUnknownWhileStale(ILogger logger, string number, string callId);

    [LoggerMessage(8303, LogLevel.Error, "Call {CallId} ({Leg}) connected, but its event was not spooled: {Error}", EventName = "CallEventNotSpooled")]
    private static partial void LogNotSpooled(ILogger logger, string callId, string leg, string error);
}
