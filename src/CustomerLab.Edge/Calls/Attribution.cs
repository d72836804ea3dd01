using CustomerLab.Edge.Traffic;

namespace CustomerLab.Edge.Calls;

/// <summary>Which session a call is credited to, and what brought that visitor.</summary>
public sealed record Attribution
{
    /// <summary><c>attributed</c>, <c>ambiguous</c>, <c>no_lease</c> or <c>not_tracking_number</c>.</summary>
    public required string Status { get; init; }
    public required string Reason { get; init; }
    public string SiteKey { get; init; } = "";
    public string PoolId { get; init; } = "";
    public string LeaseId { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string VisitorId { get; init; } = "";
    public IReadOnlyList<string> Candidates { get; init; } = [];
    public TrafficChannel First { get; init; } = TrafficChannel.None;
    public TrafficChannel Last { get; init; } = TrafficChannel.None;
    public string LandingPage { get; init; } = "";
    public IReadOnlyDictionary<string, string> ClickIds { get; init; } = new Dictionary<string, string>();
    public string PublisherId { get; init; } = "";
    public int? SecondsSinceLastPageview { get; init; }
}
