using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>An edge on a real loopback port (restartable on the same port, database and spool) with Kamailio in front.</summary>
internal sealed class SipPhoneSetup : IAsyncDisposable
{
    /// <summary>The shared secret Kamailio sends the edge's phone-server endpoints.</summary>
    public const string Secret = "test-phone-secret";

    /// <summary>The ad landing page every visitor arrives on.</summary>
    private const string Landing = "https://example.com/offer?gclid=GCLID-SIP&utm_source=google&utm_medium=cpc";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly GarnetFixture _garnet;
    private readonly ClickHouseHostFixture _clickHouse;
    private readonly string _database;
    private readonly string _spool = RepoPaths.NewTempDirectory("sip-spool");
    private readonly int _port = FreePort.Next();
    private readonly EdgeClient _admin;

    private SipPhoneSetup(GarnetFixture garnet, ClickHouseHostFixture clickHouse, string database)
    {
        (_garnet, _clickHouse, _database) = (garnet, clickHouse, database);
        // Each visitor keeps its own cookies (EdgeClient); the shared client must not keep any.
        Http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
        _admin = new EdgeClient(Http);
        ClickHouse = clickHouse.CreateClient(database);
    }

    public EdgeApplication Edge { get; private set; } = null!;
    public KamailioProcess Kamailio { get; private set; } = null!;
    public HttpClient Http { get; }
    public global::ClickHouse.Driver.ClickHouseClient ClickHouse { get; }

    public static async Task<SipPhoneSetup> StartAsync(GarnetFixture garnet, ClickHouseHostFixture clickHouse, string name, bool startKamailio = true)
    {
        var setup = new SipPhoneSetup(garnet, clickHouse, EdgeApplication.DatabaseFor(name));
        await setup.StartEdgeAsync();
        if (startKamailio) setup.Kamailio = await KamailioProcess.StartAsync($"http://127.0.0.1:{setup._port}", Secret, children: 8);
        return setup;
    }

    private async Task StartEdgeAsync()
    {
        Edge = new EdgeApplication(_garnet.Url, _clickHouse.BaseUrl, _database, new Dictionary<string, string?>
        {
            ["Calls:PhoneServerSecret"] = Secret,
            ["Delivery:SpoolPath"] = _spool,
            ["Delivery:FlushIntervalMs"] = "100",
            // A hundred visitors from one loopback network lease every number of one pool: the per-network cap would stop them at 25.
            ["Numbers:LeaseCapPerNetwork"] = "0",
        });
        Edge.UseKestrel(o => o.Listen(IPAddress.Loopback, _port));
        Edge.StartServer();
        await Poll.UntilAsync(async () => (await Http.GetAsync("/readyz", Ct)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the edge's /readyz");
    }

    public async Task StopEdgeAsync() => await Edge.DisposeAsync();

    public Task RestartEdgeAsync() => StartEdgeAsync();

    /// <summary>A site whose calls go to <paramref name="businessUri"/>, and one visitor from an ad click holding one of its numbers.</summary>
    public async Task<(string Number, string Session)> SiteWithVisitorAsync(string businessUri)
    {
        var sessions = await SiteWithVisitorsAsync(businessUri, 1);
        return (sessions.Keys.Single(), sessions.Values.Single());
    }

    /// <summary>A site with <paramref name="visitors"/> numbers, each leased to its own visitor's session (number → session), recorded in ClickHouse.</summary>
    public async Task<Dictionary<string, string>> SiteWithVisitorsAsync(string businessUri, int visitors)
    {
        var site = TestSites.NewSiteKey();
        var created = await _admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}",
            new { domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber = "+12025550199", forwardTo = NewNumber(), forwardSip = businessUri });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        var pool = await _admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}/pools/main", new { numbers = NumbersEdgeFixture.Numbers(visitors) });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync(Ct));
        var sessions = new Dictionary<string, string>();
        for (var i = 0; i < visitors; i++)
        {
            using var visitor = new EdgeClient(Http);
            var answer = await EdgeClient.JsonAsync(await visitor.RequestNumberAsync(site, Landing, "https://www.google.com/"));
            Assert.Equal("assigned", answer.GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.Accepted, (await visitor.SendPageviewAsync(site, Landing, "https://www.google.com/", "Landing")).StatusCode);
            sessions.Add(answer.GetProperty("number").GetString()!, visitor.Cookies[VisitorCookies.SessionCookie].Split('~')[0]);
        }
        var ids = string.Join(",", sessions.Values.Select(s => $"'{s}'"));
        await Poll.UntilAsync(async () => await CountAsync(ClickHouse, $"SELECT count() FROM pageviews FINAL WHERE session_id IN ({ids})") == (ulong)visitors
                                          && await CountAsync(ClickHouse, $"SELECT count() FROM lease_history FINAL WHERE session_id IN ({ids})") == (ulong)visitors,
            TimeSpan.FromSeconds(60), $"{visitors} pageviews and leases in ClickHouse");
        return sessions;
    }

    /// <summary>The talk time Kamailio measured and reported for the call (its log line of the report).</summary>
    public int ReportedDuration(string callId)
    {
        var escaped = Uri.EscapeDataString(callId);
        var line = Kamailio.Lines.Single(l => l.Contains("report callId=", StringComparison.Ordinal)
                                              && (l.Contains($"callId={escaped}&", StringComparison.Ordinal) || l.Contains($"callId={callId}&", StringComparison.Ordinal))
                                              && l.Contains("&event=ended&", StringComparison.Ordinal));
        var duration = line[(line.IndexOf("&duration=", StringComparison.Ordinal) + "&duration=".Length)..];
        return int.Parse(duration[..duration.IndexOf('&')]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Kamailio is not null) await Kamailio.DisposeAsync();
        await Edge.DisposeAsync();
        ClickHouse.Dispose();
        _admin.Dispose();
        Http.Dispose();
    }
}
