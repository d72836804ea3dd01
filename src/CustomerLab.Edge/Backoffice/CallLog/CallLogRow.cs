namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>One call as the console shows it (the caller already masked when the viewer may not see it).</summary>
internal sealed record CallLogRow
{
    public required string CallId { get; init; }
    public required string Site { get; init; }
    public required string Pool { get; init; }
    public required string TrackingNumber { get; init; }
    /// <summary>E.164 as stored, or the masked form; never used for search when masked.</summary>
    public required string Caller { get; init; }
    public required bool CallerMasked { get; init; }
    public required string CallerRegion { get; init; }
    public required string CallerCountry { get; init; }
    public required DateTime StartedAt { get; init; }
    public required uint DurationSeconds { get; init; }
    public required uint TalkSeconds { get; init; }
    public required bool Answered { get; init; }
    public required string CallStatus { get; init; }
    public required string AttributionStatus { get; init; }
    public required string AttributionReason { get; init; }
    public required string FirstTouch { get; init; }
    public required string LastTouch { get; init; }
    public required string LandingPage { get; init; }
    /// <summary>Click ids present on the call, as <c>name=value</c>.</summary>
    public required IReadOnlyList<string> ClickIds { get; init; }
    public required string Publisher { get; init; }
    public required bool Recorded { get; init; }
    /// <summary>The completed recording's sid (RE…), empty when none.</summary>
    public required string RecordingSid { get; init; }
    public required bool Qualified { get; init; }
    public required string QualificationReason { get; init; }
    /// <summary>The hand-made verdict: null when none.</summary>
    public required bool? ManualQualified { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required decimal Payout { get; init; }
    public required string Currency { get; init; }
    public required bool TestCall { get; init; }
    public required string SessionId { get; init; }
    public required string VisitorId { get; init; }
    public required IReadOnlyList<string> Candidates { get; init; }
}
