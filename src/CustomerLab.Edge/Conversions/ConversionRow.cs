namespace CustomerLab.Edge.Conversions;

/// <summary>One row of <c>conversion_events</c>: a lead or a purchase, never a field's value.</summary>
internal sealed record ConversionRow
{
    public required string ConversionId { get; init; }
    public required string SiteId { get; init; }
    /// <summary><c>lead</c> or <c>purchase</c>.</summary>
    public required string Type { get; init; }
    /// <summary><c>form</c>, <c>page</c> or <c>server</c>.</summary>
    public required string Origin { get; init; }
    public bool Verified { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public string VisitorId { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string PageUrl { get; init; } = "";
    public string FormId { get; init; } = "";
    public IReadOnlyList<string> FormFields { get; init; } = [];
    public string EmailSha256 { get; init; } = "";
    public string PhoneSha256 { get; init; } = "";
    public decimal Value { get; init; }
    public string Currency { get; init; } = "";

    internal static readonly string[] Columns =
    [
        "conversion_id", "site_id", "type", "origin", "verified", "occurred_at", "visitor_id", "session_id", "page_url", "form_id",
        "form_fields", "email_sha256", "phone_sha256", "value", "currency", "received_at",
    ];

    internal object?[] ToRow(DateTimeOffset receivedAt) =>
    [
        ConversionId, SiteId, Type, Origin, Verified, OccurredAt.UtcDateTime, VisitorId, SessionId, PageUrl, FormId,
        FormFields.ToArray(), EmailSha256, PhoneSha256, Value, Currency, receivedAt.UtcDateTime,
    ];
}
