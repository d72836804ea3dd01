using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// A test edge for recordings, texts and payouts: Twilio's REST API is a local stand-in (<see cref="TwilioStandIn"/>),
/// and recordings due for deletion at Twilio are looked for every second.
/// </summary>
public sealed class PhoneEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    public TwilioStandIn Twilio { get; } = new();

    protected override string DatabaseName => "phone2";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Calls:TwilioApiBaseUrl"] = Twilio.BaseUrl,
        ["Calls:RecordingDeletionPollSeconds"] = "1",
    };

    public override async ValueTask InitializeAsync()
    {
        await Twilio.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
