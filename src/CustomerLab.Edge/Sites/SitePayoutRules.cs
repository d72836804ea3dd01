namespace CustomerLab.Edge.Sites;

/// <summary>
/// When a call earns its publisher a payout (<see cref="SiteCallSettings.Payouts"/>): judged once, when the call's
/// lifecycle completes, with the rules as they are then (an edited rule applies to calls judged afterwards).
/// </summary>
public sealed record SitePayoutRules
{
    /// <summary>Least talk time with the business, in seconds (0 to 86,400). The default is 90.</summary>
    public int MinTalkSeconds { get; init; } = 90;

    /// <summary>The business must have answered. The default is true.</summary>
    public bool RequireAnswered { get; init; } = true;

    /// <summary>
    /// The caller must not have called the site in the N days before (0 to 3,650; 0: repeat callers qualify too).
    /// The default is 30.
    /// </summary>
    public int NewCallerDays { get; init; } = 30;

    /// <summary>What a qualified call pays a publisher not listed in <see cref="Publishers"/>. The default is 0.</summary>
    public decimal DefaultAmount { get; init; }

    /// <summary>Amount per publisher id (the <c>Calls:PublisherParameter</c> value), overriding <see cref="DefaultAmount"/>.</summary>
    public IReadOnlyDictionary<string, decimal> Publishers { get; init; } = new Dictionary<string, decimal>();

    /// <summary>ISO 4217 code of the amounts. The default is USD.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Caller numbers (E.164) of the client's own test calls: such calls are flagged <c>test_call</c> and never paid.</summary>
    public IReadOnlyList<string> TestCallers { get; init; } = [];
}
