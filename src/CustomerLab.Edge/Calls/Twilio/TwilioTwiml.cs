using CustomerLab.Edge.Calls.Routing;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace CustomerLab.Edge.Calls.Twilio;

/// <summary>The TwiML the edge answers, built with the Twilio package's <see cref="VoiceResponse"/>.</summary>
internal static class TwilioTwiml
{
    private static readonly Number.EventEnum[] LegEvents =
        [Number.EventEnum.Initiated, Number.EventEnum.Ringing, Number.EventEnum.Answered, Number.EventEnum.Completed];

    /// <summary>
    /// The caller is connected to the route's business line: caller id per the site's setting, its dial timeout,
    /// <c>answerOnBridge</c> (the caller hears ringing until the business answers), the Dial's outcome posted to
    /// <paramref name="dialAction"/>, and the business leg's progress to <paramref name="legStatus"/>.
    /// </summary>
    /// <para>
    /// With <paramref name="recording"/> (its notice, the recording callback and the whisper URL): the caller hears the
    /// notice (<c>&lt;Say&gt;</c>) before the <c>&lt;Dial&gt;</c> starts; the Dial records both channels from the
    /// business's answer (<c>record-from-answer-dual</c>), and the business's <c>&lt;Number url&gt;</c> plays the whisper
    /// (the notice again) before the two are bridged. Nothing is recorded before either has heard it.
    /// </para>
    public static string Dial(CallRoute route, string caller, Uri dialAction, Uri legStatus, RecordingTwiml? recording = null)
    {
        var post = global::Twilio.Http.HttpMethod.Post;
        var response = new VoiceResponse();
        if (recording is not null) response.Say(recording.Settings.Notice, language: recording.Settings.Language);
        var dial = new Dial(action: dialAction, method: post, timeout: route.Settings.DialTimeoutSeconds,
            callerId: route.CallerIdFor(caller), answerOnBridge: true,
            record: recording is null ? null : global::Twilio.TwiML.Voice.Dial.RecordEnum.RecordFromAnswerDual,
            recordingStatusCallback: recording?.StatusCallback, recordingStatusCallbackMethod: recording is null ? null : post,
            recordingStatusCallbackEvent: recording is null ? null : [global::Twilio.TwiML.Voice.Dial.RecordingEventEnum.Completed]);
        dial.Number(new global::Twilio.Types.PhoneNumber(route.ForwardTo), url: recording?.Whisper, method: recording is null ? null : post,
            statusCallbackEvent: LegEvents, statusCallback: legStatus, statusCallbackMethod: post);
        return response.Append(dial).ToString();
    }

    /// <summary>What a recorded Dial needs: the notice, the recording status callback URL and the whisper URL.</summary>
    public sealed record RecordingTwiml(Sites.SiteRecordingSettings Settings, Uri StatusCallback, Uri Whisper);

    /// <summary>The whisper the business hears after answering, before the call is bridged: the notice, then (optionally) the call's source.</summary>
    public static string Whisper(Sites.SiteRecordingSettings settings, string? source)
    {
        var response = new VoiceResponse().Say(settings.Notice, language: settings.Language);
        if (source is { Length: > 0 }) response.Say(source, language: settings.Language);
        return response.ToString();
    }

    /// <summary>After the Dial: hang up when the business answered, else say the site's message first.</summary>
    public static string AfterDial(bool answered, string noAnswerMessage)
    {
        var response = new VoiceResponse();
        if (!answered) response.Say(noAnswerMessage);
        return response.Hangup().ToString();
    }

    /// <summary>A number that is no site's: the call is refused (the caller hears busy), nothing is stored.</summary>
    public static string Reject() => new VoiceResponse().Reject().ToString();

    /// <summary>The answer to a status callback: nothing to do.</summary>
    public static string Empty() => new VoiceResponse().ToString();

    /// <summary>
    /// Static TwiML for a number's Voice Fallback URL, used while the edge cannot be reached: it dials the business line
    /// with the site's caller id and timeout, and needs no webhook of the edge.
    /// </summary>
    public static string Fallback(CallRoute route)
    {
        var callerId = route.Settings.CallerId == Sites.SiteCallSettings.CallerIdTrackingNumber ? route.Number : null;
        var dial = new Dial(timeout: route.Settings.DialTimeoutSeconds, callerId: callerId, answerOnBridge: true);
        dial.Number(new global::Twilio.Types.PhoneNumber(route.ForwardTo));
        return new VoiceResponse().Append(dial).ToString();
    }
}
