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
    public static string Dial(CallRoute route, string caller, Uri dialAction, Uri legStatus)
    {
        var dial = new Dial(action: dialAction, method: global::Twilio.Http.HttpMethod.Post, timeout: route.Settings.DialTimeoutSeconds,
            callerId: route.CallerIdFor(caller), answerOnBridge: true);
        dial.Number(new global::Twilio.Types.PhoneNumber(route.ForwardTo), statusCallbackEvent: LegEvents, statusCallback: legStatus,
            statusCallbackMethod: global::Twilio.Http.HttpMethod.Post);
        return new VoiceResponse().Append(dial).ToString();
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
