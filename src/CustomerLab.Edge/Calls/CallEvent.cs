using System.Text.Json.Serialization;

namespace CustomerLab.Edge.Calls;

/// <summary>One webhook's news about a call, whatever the provider.</summary>
/// <param name="CallId">The caller's call (Twilio: the parent CallSid, also for the business leg's callbacks).</param>
/// <param name="To">The number the caller called (the tracking number), also for the business leg's callbacks.</param>
/// <param name="EventAt">When the provider says this state began (or when the edge heard of it).</param>
public sealed record CallEvent(
    string Provider, string CallId, string From, string To, string Status, string Direction, DateTimeOffset EventAt, int? DurationSeconds)
{
    /// <summary>The caller's leg (the default).</summary>
    public const string CallerLeg = "";

    /// <summary>The business's leg, placed by the Dial: its <see cref="Status"/> and duration are the business's.</summary>
    public const string BusinessLeg = "dial";

    /// <summary>The Dial's outcome (Twilio's <c>&lt;Dial action&gt;</c>): <see cref="DialStatus"/> and <see cref="TalkSeconds"/>.</summary>
    public const string DialOutcome = "dial-action";

    /// <summary>The business heard the recording notice in the whisper (<see cref="Notice"/>), before the call was bridged.</summary>
    public const string Whisper = "whisper";

    /// <summary>A recording of the call is ready (<see cref="Recording"/>): it goes to <c>call_recordings</c>, not the call's state.</summary>
    public const string RecordingLeg = "recording";

    /// <summary>A text to or from a tracking number (<see cref="Text"/>; <see cref="CallId"/> is its message id): it goes to <c>texts</c>.</summary>
    public const string TextLeg = "text";

    /// <summary>
    /// <see cref="CallerLeg"/>, <see cref="BusinessLeg"/>, <see cref="DialOutcome"/>, <see cref="Whisper"/>, <see cref="RecordingLeg"/>
    /// or <see cref="TextLeg"/>.
    /// </summary>
    public string Leg { get; init; } = CallerLeg;

    /// <summary>The business line the call was forwarded to, when the event knows it.</summary>
    public string ForwardedTo { get; init; } = "";

    /// <summary>How the Dial ended (Twilio's DialCallStatus: completed, answered, busy, no-answer, failed, canceled).</summary>
    public string DialStatus { get; init; } = "";

    /// <summary>How long the caller and the business talked, in seconds (Twilio's DialCallDuration).</summary>
    public int? TalkSeconds { get; init; }

    /// <summary>The recording notice played on this leg (the caller's, before the Dial; the business's, in the whisper); empty: none.</summary>
    public string Notice { get; init; } = "";

    /// <summary>The recording a <see cref="RecordingLeg"/> event reports.</summary>
    public RecordingInfo? Recording { get; init; }

    /// <summary>The text a <see cref="TextLeg"/> event reports.</summary>
    public TextMessageInfo? Text { get; init; }

    /// <summary>
    /// A test call placed by the demo page's "place a test call" control (Development only), not by a caller: stored
    /// flagged, and left out of reports, exports, payouts and the conversions view.
    /// </summary>
    public bool Simulated { get; init; }

    /// <summary>Lifecycle order, so a state that arrives late never replaces a later one.</summary>
    [JsonIgnore]
    public int Rank => RankOf(Status);

    public static int RankOf(string status) => status switch
    {
        "queued" or "initiated" => 0,
        "ringing" => 1,
        "in-progress" or "answered" => 2,
        _ => 3, // completed, busy, no-answer, failed, canceled: final
    };

    /// <summary>The statuses a webhook may report (Twilio's names; the generic webhook uses the same).</summary>
    public static readonly string[] Statuses = ["queued", "initiated", "ringing", "in-progress", "answered", "completed", "busy", "no-answer", "failed", "canceled"];
}

/// <summary>Twilio's recording status callback: where the audio is (it stays at Twilio) and what it is.</summary>
public sealed record RecordingInfo(string SiteKey, string AccountSid, string RecordingSid, string RecordingUrl, string Status, int DurationSeconds, int Channels);

/// <summary>
/// One text: <paramref name="Direction"/> <c>inbound</c> (a consumer texted the tracking number) or <c>reply</c> (the
/// business answered through the tracking number); <paramref name="Outcome"/> what the edge did with it.
/// </summary>
public sealed record TextMessageInfo(string SiteKey, string PoolId, string Direction, string Sender, string Recipient, string Consumer, string Keyword,
    string Outcome, int BodyLength, string Body, int Segments, int MediaCount);
