using Microsoft.Extensions.Time.Testing;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Privacy;

/// <summary>
/// One test edge on Garnet and the local ClickHouse host whose deletions are followed up after 5 s of its own clock
/// (polled every second), a fake clock the tests advance: a follow-up runs when a test says so, never racing a timer.
/// Its own fixture, so the other privacy tests' audit rows are not joined by follow-up rows while they count them.
/// </summary>
public sealed class PrivacyFollowUpFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    /// <summary>The edge's clock; it starts at the real time (pageviews keep realistic timestamps) and moves when advanced.</summary>
    public FakeTimeProvider FakeClock { get; } = new(DateTimeOffset.UtcNow);

    protected override string DatabaseName => "privacyfollowup";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Privacy:FollowUpDelaySeconds"] = DelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Privacy:FollowUpPollSeconds"] = "1",
    };

    protected override TimeProvider Clock => FakeClock;

    /// <summary>The configured follow-up delay: long enough for a test to put a late event in before the pass runs.</summary>
    public const int DelaySeconds = 5;
}
