using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Numbers;

/// <summary>One test edge on Garnet and the local ClickHouse host, shared by a test class; tests keep apart by site key.</summary>
public sealed class NumbersEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : IAsyncLifetime
{
    public EdgeApplication Edge { get; } = new(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("numbersapi"));

    public ClickHouseHostFixture ClickHouse => clickHouse;

    public async ValueTask InitializeAsync()
    {
        // Start the host now and wait for its schema, so no test races the start-up migrations.
        using var http = Edge.CreateClient();
        await Poll.UntilAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the test edge's /readyz");
    }

    public ValueTask DisposeAsync() => Edge.DisposeAsync();

    /// <summary>A site key unique to one test.</summary>
    public static string NewSiteKey() => "s" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Valid US numbers +1 202-555-01NN (the 555-01XX block is reserved for fiction).</summary>
    public static string[] Numbers(int count, int first = 100) =>
        Enumerable.Range(first, count).Select(i => $"+1202555{i:D4}").ToArray();
}
