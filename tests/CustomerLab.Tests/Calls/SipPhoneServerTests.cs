using System.Net;
using CustomerLab.Edge.Cookies;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// Real SIP calls: SIPp callers dial tracking numbers through Debian's Kamailio running
/// <c>telephony/kamailio/kamailio.cfg</c>, which asks a real edge (Kestrel on a loopback port) where each call goes and
/// reports its lifecycle; SIPp businesses answer. Each test owns its edge, Kamailio and businesses.
/// </summary>
[Collection(nameof(SipCollection))]
public sealed class SipPhoneServerTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private const string Secret = "test-phone-secret";
    private const string Landing = "https://example.com/offer?gclid=GCLID-SIP&utm_source=google&utm_medium=cpc";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachCall_ReachesItsOwnSitesBusiness_AndIsAttributedToTheSessionThatHeldTheNumber()
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sip2sites");
        await using var first = Sipp.StartBusiness();
        await using var second = Sipp.StartBusiness();
        var (numberA, sessionA) = await phone.SiteWithVisitorAsync(first.Uri);
        var (numberB, sessionB) = await phone.SiteWithVisitorAsync(second.Uri);

        var run = await Sipp.CallAsync(phone.Kamailio.Port, [new(numberA, "+16175550101"), new(numberB, "+16175550102")], concurrent: 2);

        Assert.True(run.Outcome.ExitCode == 0, run.Describe() + phone.Kamailio.Output);
        var callA = run.Connected.Single(c => c.Number == numberA).CallId;
        var callB = run.Connected.Single(c => c.Number == numberB).CallId;
        Assert.Equal([callA], first.AnsweredCallIds);
        Assert.Equal([callB], second.AnsweredCallIds);
        foreach (var (callId, session) in new[] { (callA, sessionA), (callB, sessionB) })
        {
            await WaitForCallAsync(phone.Edge, phone.ClickHouse, callId);
            var row = await CallRowAsync(phone.ClickHouse, callId);
            Assert.Equal("sip", row["provider"]);
            Assert.Equal("attributed", row["attribution_status"]);
            Assert.Equal(session, row["session_id"]);
            Assert.Equal("GCLID-SIP", row["gclid"]);
            Assert.Equal("true", row["answered"]);
            Assert.Equal("completed", row["status"]);
            var reported = phone.ReportedDuration(callId);
            Assert.True(reported >= 2, $"Kamailio reported {reported} s for a call that talked 2 s");
            Assert.Equal(reported.ToString(), row["talk_seconds"]);
            Assert.True(int.Parse(row["duration_seconds"]) >= reported, $"duration {row["duration_seconds"]} < talk {reported}");
            Assert.Equal(1UL, await CountAsync(phone.ClickHouse, $"SELECT count() FROM calls FINAL WHERE call_id = '{callId}'"));
        }
    }

    [Fact]
    public async Task UnknownNumber_IsRefusedWithSip404_AndNoCallConnects()
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sipunknown");
        await using var business = Sipp.StartBusiness();
        await phone.SiteWithVisitorAsync(business.Uri);

        var unknown = NewNumber();
        var run = await Sipp.CallAsync(phone.Kamailio.Port, [new(unknown, "+16175550103")]);

        Assert.Empty(run.Connected);
        var refused = Assert.Single(run.Refused);
        Assert.Equal((404, unknown), (refused.Status, refused.Number));
        Assert.Empty(business.AnsweredCallIds);
    }

    [Fact]
    public async Task KnownNumber_ReachesItsOwnBusinessByTheCachedRoute_IfTheEdgeIsStopped_AndItsRowArrivesOnceAfterRestart()
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sipedgedown");
        await using var own = Sipp.StartBusiness();
        await using var other = Sipp.StartBusiness();
        var (number, session) = await phone.SiteWithVisitorAsync(own.Uri);
        await phone.SiteWithVisitorAsync(other.Uri);
        // One call while the edge is up teaches Kamailio the number's route.
        var learn = await Sipp.CallAsync(phone.Kamailio.Port, [new(number, "+16175550104")], talkMs: 100);
        Assert.True(learn.Outcome.ExitCode == 0, learn.Describe());
        await WaitForCallAsync(phone.Edge, phone.ClickHouse, learn.Connected.Single().CallId);

        await phone.StopEdgeAsync();
        var run = await Sipp.CallAsync(phone.Kamailio.Port, [new(number, "+16175550105")]);
        Assert.True(run.Outcome.ExitCode == 0, run.Describe() + phone.Kamailio.Output);
        var callId = run.Connected.Single().CallId;
        Assert.Contains(callId, own.AnsweredCallIds);
        Assert.DoesNotContain(callId, other.AnsweredCallIds);
        Assert.Contains(phone.Kamailio.Lines, l => l.Contains("cached route", StringComparison.Ordinal));

        await phone.RestartEdgeAsync();
        await WaitForCallAsync(phone.Edge, phone.ClickHouse, callId, TimeSpan.FromSeconds(60));
        var row = await CallRowAsync(phone.ClickHouse, callId);
        Assert.Equal(session, row["session_id"]);
        Assert.Equal("true", row["answered"]);
        Assert.Equal(phone.ReportedDuration(callId).ToString(), row["talk_seconds"]);
        Assert.Equal(1UL, await CountAsync(phone.ClickHouse, $"SELECT count() FROM calls FINAL WHERE call_id = '{callId}'"));
    }

    [Fact]
    public async Task HundredConcurrentCalls_AllConnect_EachIsRecordedOnce_AndNoneIsCreditedToAnotherSession()
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sip100");
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

    [Fact]
    public async Task PhoneServerEndpoints_Are401_WithoutTheSecret()
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sipauth", startKamailio: false);
        foreach (var path in new[] { "/v1/calls/route", "/v1/calls/sip/events" })
            foreach (var secret in new[] { null, "wrong" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["to"] = "+12025550100", ["callId"] = "x", ["event"] = "ringing" }),
                };
                if (secret is not null) request.Headers.Add("X-Phone-Secret", secret);
                var response = await phone.Http.SendAsync(request, Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
    }

    [Fact]
    public async Task PhoneServerEndpoints_AreInTheOpenApiDocument()
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sipopenapi", startKamailio: false);
        var document = await phone.Http.GetStringAsync("/openapi/v1.json", Ct);
        using var json = System.Text.Json.JsonDocument.Parse(document);
        var paths = json.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/calls/route", "/v1/calls/sip/events" })
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty("post", out _), $"{path} is not in the OpenAPI document");
    }

    [Theory]
    [InlineData("event=hung-up&callId=c1&to=%2B12025550100", "event")]
    [InlineData("event=ended&to=%2B12025550100", "callId")]
    [InlineData("event=ended&callId=c1&to=%2B12025550100&duration=-3", "duration")]
    [InlineData("event=ended&callId=c1&to=%2B12025550100&at=yesterday", "at")]
    public async Task MalformedLifecycleReport_Is400NamingTheField(string form, string field)
    {
        await using var phone = await PhoneSetup.StartAsync(garnet, clickHouse, "sipbad", startKamailio: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls/sip/events")
        {
            Content = new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Phone-Secret", Secret);
        var problem = await ProblemAsync(await phone.Http.SendAsync(request, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    /// <summary>An edge on a real loopback port (restartable on the same port, database and spool) with Kamailio in front.</summary>
    private sealed class PhoneSetup : IAsyncDisposable
    {
        private readonly GarnetFixture _garnet;
        private readonly ClickHouseHostFixture _clickHouse;
        private readonly string _database;
        private readonly string _spool = RepoPaths.NewTempDirectory("sip-spool");
        private readonly int _port = FreePort.Next();
        private readonly EdgeClient _admin;

        private PhoneSetup(GarnetFixture garnet, ClickHouseHostFixture clickHouse, string database)
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

        public static async Task<PhoneSetup> StartAsync(GarnetFixture garnet, ClickHouseHostFixture clickHouse, string name, bool startKamailio = true)
        {
            var setup = new PhoneSetup(garnet, clickHouse, EdgeApplication.DatabaseFor(name));
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
}

/// <summary>SIP tests run one at a time: each starts Kamailio and SIPp processes, and the 100-call test loads both cores.</summary>
[CollectionDefinition(nameof(SipCollection), DisableParallelization = true)]
public sealed class SipCollection;
