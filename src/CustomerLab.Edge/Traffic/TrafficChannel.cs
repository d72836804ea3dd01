namespace CustomerLab.Edge.Traffic;

/// <summary>
/// A classified visit (a marketing touch): source, medium, campaign and channel (<c>paid</c>, <c>email</c>,
/// <c>social</c>, <c>search</c>, <c>campaign</c>, <c>referral</c>, <c>internal</c>, <c>direct</c>). Pageviews store it;
/// a call's attribution carries its first and last.
/// </summary>
public sealed record TrafficChannel(string Source, string Medium, string Campaign, string Channel)
{
    public static readonly TrafficChannel None = new("", "", "", "");
}
