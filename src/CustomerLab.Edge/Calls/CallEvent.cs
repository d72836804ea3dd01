namespace CustomerLab.Edge.Calls;

/// <summary>One webhook's news about a call, whatever the provider.</summary>
/// <param name="EventAt">When the provider says this state began (or when the edge heard of it).</param>
public sealed record CallEvent(
    string Provider, string CallId, string From, string To, string Status, string Direction, DateTimeOffset EventAt, int? DurationSeconds)
{
    /// <summary>Lifecycle order, so a state that arrives late never replaces a later one.</summary>
    public int Rank => Status switch
    {
        "queued" or "initiated" => 0,
        "ringing" => 1,
        "in-progress" or "answered" => 2,
        _ => 3, // completed, busy, no-answer, failed, canceled: final
    };

    /// <summary>The statuses a webhook may report (Twilio's names; the generic webhook uses the same).</summary>
    public static readonly string[] Statuses = ["queued", "initiated", "ringing", "in-progress", "answered", "completed", "busy", "no-answer", "failed", "canceled"];
}
