using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Privacy;

/// <summary>
/// One test edge on Garnet and the local ClickHouse host whose deletions are followed up within seconds (a 5 s delay,
/// polled every second) instead of the default two minutes. Its own fixture, so the other privacy tests' audit rows are
/// not joined by follow-up rows while they count them.
/// </summary>
public sealed class PrivacyFollowUpFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
    : GarnetEdgeFixture(garnet, clickHouse, "privacyfollowup", new Dictionary<string, string?>
    {
        ["Privacy:FollowUpDelaySeconds"] = DelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Privacy:FollowUpPollSeconds"] = "1",
    })
{
    /// <summary>The configured follow-up delay: long enough for a test to put a late event in before the pass runs.</summary>
    public const int DelaySeconds = 5;
}
