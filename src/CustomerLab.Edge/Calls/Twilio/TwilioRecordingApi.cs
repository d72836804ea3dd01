using System.Globalization;
using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls.Twilio;

/// <summary>
/// The recording side of a recorded call's TwiML (<see cref="TwilioTwiml.Dial"/>), each webhook signed like the voice
/// webhooks, with <c>?tn=</c> naming the tracking number (and so the site's token):
/// <list type="bullet">
/// <item><c>POST /v1/calls/twilio/whisper</c>, the business's <c>&lt;Number url&gt;</c>: the notice (and optionally the
/// call's source) before the call is bridged; that the business heard it is stored with the call.</item>
/// <item><c>POST /v1/calls/twilio/recording</c>, the Dial's <c>recordingStatusCallback</c>: the recording goes to
/// <c>call_recordings</c> through the durable call-event spool (503 when it cannot be stored, so Twilio retries).</item>
/// </list>
/// </summary>
internal static partial class TwilioRecordingApi
{
    public const string WhisperPath = "/v1/calls/twilio/whisper", RecordingPath = "/v1/calls/twilio/recording";

    /// <summary>How long the whisper waits for the call's attribution before it leaves the source out: 500 ms.</summary>
    private static readonly TimeSpan SourceWait = TimeSpan.FromMilliseconds(500);

    public static IEndpointRouteBuilder MapTwilioRecording(this IEndpointRouteBuilder app)
    {
        var twilio = app.MapGroup("/v1/calls/twilio").WithTags("Calls").DisableAntiforgery();
        twilio.MapPost("/whisper", WhisperAsync).WithDescription("The business's <Number url>: the recording notice (and the call's source) before the call is bridged.");
        twilio.MapPost("/recording", RecordingAsync).WithDescription("The Dial's recordingStatusCallback: the recording is stored in call_recordings.");
        return app;
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> WhisperAsync(
        HttpContext context, CallRouter router, CallEventLog log, CallRecorder recorder, IOptions<CallOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var (form, tracking, route, refused) = await ReadSignedAsync(context, router, options.Value, "ParentCallSid");
        if (refused is not null) return refused;
        // The notice is said even when the settings changed since the call began: the Dial is already recording.
        var settings = route?.RecordingOrOff ?? Sites.SiteRecordingSettings.Off;
        var parent = form["ParentCallSid"].ToString();
        var heard = new CallEvent("twilio", parent, "", tracking, "in-progress", "inbound", time.GetUtcNow(), null)
        {
            Leg = CallEvent.Whisper, Notice = settings.Notice, ForwardedTo = form["To"].ToString(),
        };
        await TwilioVoiceApi.TryAppendAsync(log, heard, loggers);
        var source = settings.AnnounceSource ? await SourceAsync(recorder, parent, context.RequestAborted) : null;
        return TwilioVoiceApi.Twiml(TwilioTwiml.Whisper(settings, source));
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> RecordingAsync(
        HttpContext context, CallRouter router, CallEventLog log, IOptions<CallOptions> options, TimeProvider time)
    {
        var (form, tracking, route, refused) = await ReadSignedAsync(context, router, options.Value, "CallSid", "RecordingSid", "RecordingStatus", "AccountSid");
        if (refused is not null) return refused;
        var recording = new RecordingInfo(route?.SiteKey ?? "", form["AccountSid"]!, form["RecordingSid"]!, form["RecordingUrl"].ToString(),
            form["RecordingStatus"].ToString().ToLowerInvariant(), Int(form, "RecordingDuration"), Math.Max(1, Int(form, "RecordingChannels")));
        var e = new CallEvent("twilio", form["CallSid"]!, "", tracking, "completed", "inbound", time.GetUtcNow(), null)
        {
            Leg = CallEvent.RecordingLeg, Recording = recording,
        };
        try
        {
            await log.AppendAsync(e);
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException or ObjectDisposedException)
        {
            return TwilioForm.Problem(StatusCodes.Status503ServiceUnavailable, $"The recording could not be stored: {ex.Message}");
        }
        return TwilioVoiceApi.Twiml(TwilioTwiml.Empty());
    }

    /// <summary>
    /// The form of a webhook whose URL names the tracking number (<c>?tn=</c>), signed with that number's site token and
    /// holding <paramref name="required"/>; else the answer that refuses it (problem+json: 400, 401, 413).
    /// </summary>
    private static async Task<(IFormCollection Form, string Tracking, CallRoute? Route, Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>? Refused)> ReadSignedAsync(
        HttpContext context, CallRouter router, CallOptions options, params string[] required)
    {
        var (form, problem) = await TwilioForm.ReadAsync(context, options);
        if (form is null) return (FormCollection.Empty, "", null, problem!);
        var tracking = context.Request.Query[TwilioVoiceApi.TrackingNumberParameter].ToString();
        var route = router.Find(tracking);
        if (!TwilioSignature.IsValid(context.Request, form, TwilioVoiceApi.TokenFor(route, options), options)) return (form, tracking, route, TwilioVoiceApi.Unsigned());
        if (tracking.Length == 0) return (form, tracking, route, TwilioVoiceApi.Required(TwilioVoiceApi.TrackingNumberParameter));
        if (TwilioForm.Missing(form, required) is { } missing) return (form, tracking, route, TwilioVoiceApi.Required(missing));
        return (form, tracking, route, null);
    }

    /// <summary>"Call from google cpc, campaign spring": the last touch of the call's attribution, when it is known in time.</summary>
    private static async Task<string?> SourceAsync(CallRecorder recorder, string callId, CancellationToken cancellationToken)
    {
        try
        {
            var state = await recorder.PeekAsync("twilio", callId).WaitAsync(SourceWait, cancellationToken);
            var touch = state?.Attribution.Last is { Source.Length: > 0 } last ? last : state?.Attribution.First;
            if (touch is not { Source.Length: > 0 }) return null;
            var text = "Call from " + touch.Source + (touch.Medium.Length > 0 ? " " + touch.Medium : "");
            return touch.Campaign.Length > 0 ? $"{text}, campaign {touch.Campaign}" : text;
        }
        catch (Exception ex) when (ex is TimeoutException or StackExchange.Redis.RedisException)
        {
            // The business still hears the notice; the source is a courtesy.
            return null;
        }
    }

    private static int Int(IFormCollection form, string field) =>
        int.TryParse(form[field], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
