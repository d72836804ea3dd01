namespace CustomerLab.Edge.Calls.Lifecycle;

/// <summary>
/// A call as its events so far describe it (kept in Redis <c>cl:call:{provider}:{callId}</c> for two days). The start,
/// the caller and the attribution are fixed by the first event; <see cref="Merge"/> only ever moves the rest forward
/// (a later status, a longer duration, answered once answered), so applying an event twice, or late, changes nothing.
/// </summary>
internal sealed record CallState(DateTimeOffset StartedAt, string TrackingNumber, string Caller, string CallerRegion, string CallerCountry,
    Attribution Attribution, uint PreviousCalls, string FirstCallId, int Rank, string Status, int Duration)
{
    /// <summary>The business answered (the Dial connected).</summary>
    public bool Answered { get; init; }

    /// <summary>Seconds the caller and the business talked.</summary>
    public int TalkSeconds { get; init; }

    /// <summary>How the Dial to the business ended; empty until known.</summary>
    public string DialStatus { get; init; } = "";

    /// <summary>The business line dialled.</summary>
    public string ForwardedTo { get; init; } = "";

    /// <summary>The recording notice played on this call (empty: none was played, the call was not recorded).</summary>
    public string RecordingNotice { get; init; } = "";

    /// <summary>When the caller was told (the notice before the Dial), Unix ms; 0: not told.</summary>
    public long CallerNoticeMs { get; init; }

    /// <summary>When the business was told (the whisper), Unix ms; 0: not told.</summary>
    public long BusinessNoticeMs { get; init; }

    /// <summary>The caller's latest earlier call to the site, Unix ms; 0: none (for the payout rules' new-caller window).</summary>
    public long PreviousCallMs { get; init; }

    /// <summary>A test call (<see cref="CallEvent.Simulated"/>): set by any of its events, never unset.</summary>
    public bool Simulated { get; init; }

    /// <summary>Latest event time seen, in Unix milliseconds.</summary>
    public long LastEventMs { get; init; }

    /// <summary>Grows by one with every change; names the row version written for it (its deduplication token).</summary>
    public int Revision { get; init; }

    /// <summary>The <see cref="Revision"/> whose row ClickHouse has; behind <see cref="Revision"/> while a write is due.</summary>
    public int WrittenRevision { get; init; }

    /// <summary>The caller's call has ended (completed, busy, no-answer, failed, canceled).</summary>
    public bool IsFinal => Rank >= 3;

    /// <summary>Version = rank × 10^13 + latest event ms + revision: ms since 1970 stay below 10^13 until the year 2286.</summary>
    public ulong Version => (ulong)Rank * 10_000_000_000_000 + (ulong)LastEventMs + (ulong)Revision;

    /// <summary>The state after <paramref name="e"/>; the same instance when the event tells nothing new.</summary>
    public CallState Merge(CallEvent e)
    {
        if (e.Leg is CallEvent.RecordingLeg or CallEvent.TextLeg) return this;
        var noticeMs = e.Notice.Length > 0 ? e.EventAt.ToUnixTimeMilliseconds() : 0;
        var next = e.Leg switch
        {
            CallEvent.Whisper => this with
            {
                BusinessNoticeMs = BusinessNoticeMs == 0 ? noticeMs : BusinessNoticeMs,
                RecordingNotice = RecordingNotice.Length == 0 ? e.Notice : RecordingNotice,
            },
            CallEvent.BusinessLeg => this with
            {
                Answered = Answered || e.Status is "in-progress" or "answered" or "completed",
                TalkSeconds = e.Status == "completed" ? Math.Max(TalkSeconds, e.DurationSeconds ?? 0) : TalkSeconds,
                DialStatus = DialStatus.Length == 0 && e.Rank == 3 ? e.Status : DialStatus,
            },
            CallEvent.DialOutcome => this with
            {
                Answered = Answered || e.DialStatus is "completed" or "answered",
                TalkSeconds = Math.Max(TalkSeconds, e.TalkSeconds ?? 0),
                // The Dial's own verdict is the authority on how the business leg ended.
                DialStatus = e.DialStatus.Length > 0 ? e.DialStatus : DialStatus,
            },
            _ => (e.Rank >= Rank
                ? this with { Rank = e.Rank, Status = e.Status, Duration = Math.Max(Duration, e.DurationSeconds ?? 0) }
                : this) with
            {
                CallerNoticeMs = CallerNoticeMs == 0 ? noticeMs : CallerNoticeMs,
                RecordingNotice = RecordingNotice.Length == 0 ? e.Notice : RecordingNotice,
            },
        };
        next = next with
        {
            ForwardedTo = ForwardedTo.Length == 0 ? e.ForwardedTo : ForwardedTo,
            LastEventMs = Math.Max(LastEventMs, e.EventAt.ToUnixTimeMilliseconds()),
            Simulated = Simulated || e.Simulated,
        };
        return Same(next) ? this : next with { Revision = Revision + 1 };
    }

    private bool Same(CallState other) =>
        other.Rank == Rank && other.Status == Status && other.Duration == Duration && other.Answered == Answered && other.TalkSeconds == TalkSeconds &&
        other.DialStatus == DialStatus && other.ForwardedTo == ForwardedTo && other.LastEventMs == LastEventMs &&
        other.RecordingNotice == RecordingNotice && other.CallerNoticeMs == CallerNoticeMs && other.BusinessNoticeMs == BusinessNoticeMs &&
        other.Simulated == Simulated;
}
