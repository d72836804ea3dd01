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

    /// <summary><see cref="CallerLeg"/>, <see cref="BusinessLeg"/> or <see cref="DialOutcome"/>.</summary>
    public string Leg { get; init; } = CallerLeg;

    /// <summary>The business line the call was forwarded to, when the event knows it.</summary>
    public string ForwardedTo { get; init; } = "";

    /// <summary>How the Dial ended (Twilio's DialCallStatus: completed, answered, busy, no-answer, failed, canceled).</summary>
    public string DialStatus { get; init; } = "";

    /// <summary>How long the caller and the business talked, in seconds (Twilio's DialCallDuration).</summary>
    public int? TalkSeconds { get; init; }

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
