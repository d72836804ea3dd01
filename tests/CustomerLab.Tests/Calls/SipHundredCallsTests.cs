using CustomerLab.Tests.Fixtures;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>A hundred real SIP calls at once through Kamailio, each to its own visitor's tracking number.</summary>
[Collection(nameof(SipLoadCollection))]
public sealed class SipHundredCallsTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HundredConcurrentCalls_AllConnect_EachIsRecordedOnce_AndNoneIsCreditedToAnotherSession()
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sip100");
        await using var business = Sipp.StartBusiness();
        var sessions = await phone.SiteWithVisitorsAsync(business.Uri, 100);

        var calls = sessions.Keys.Select((number, i) => new Sipp.Call(number, $"+1617555{2000 + i:D4}")).ToList();
        var run = await Sipp.CallAsync(phone.Kamailio.Port, calls, concurrent: 100, ratePerSecond: 50);

        Assert.True(run.Outcome.ExitCode == 0, run.Describe() + phone.Kamailio.Output);
        Assert.Equal(100, run.Connected.Count);
        Assert.Equal(run.Connected.Select(c => c.CallId).Order(), business.AnsweredCallIds.Order());
        var expected = run.Connected.ToDictionary(c => c.CallId, c => sessions[c.Number]);
        await Poll.UntilAsync(async () => await CountAsync(phone.ClickHouse, "SELECT count() FROM calls FINAL WHERE answered AND status = 'completed'") == 100,
            TimeSpan.FromSeconds(60), "100 completed calls in ClickHouse");
        using var reader = await phone.ClickHouse.ExecuteReaderAsync("SELECT call_id, session_id FROM calls FINAL", cancellationToken: Ct);
        var stored = new Dictionary<string, string>();
        while (await reader.ReadAsync(Ct)) stored.Add(reader.GetString(0), reader.GetString(1));
        Assert.Equal(expected.OrderBy(p => p.Key), stored.OrderBy(p => p.Key));
    }
}

/// <summary>The hundred-call test runs alone, after the other collections: it loads both cores by itself.</summary>
[CollectionDefinition(nameof(SipLoadCollection), DisableParallelization = true)]
public sealed class SipLoadCollection;
