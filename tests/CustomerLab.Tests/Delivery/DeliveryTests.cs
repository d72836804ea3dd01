using CustomerLab.Tests.Events;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Events.EventsTesting;
using static CustomerLab.Tests.Fixtures.TestSites;

namespace CustomerLab.Tests.Delivery;

/// <summary>
/// The delivery tests run one after another (each kills, pauses or floods its own edge), beside the other collections:
/// test edges give Redis seconds, not production's 40 ms, so the load they make cannot fail another test.
/// </summary>
[CollectionDefinition(nameof(DeliveryCollection))]
[LongRunning]
public sealed class DeliveryCollection;

/// <summary>Every acknowledged event reaches ClickHouse exactly once: at volume, with ClickHouse restarted, with the edge killed.</summary>
[Collection(nameof(DeliveryCollection))]
public sealed class DeliveryTests(GarnetFixture garnet, ClickHouseHostFixture sharedClickHouse)
{
    [Fact]
    public async Task HundredThousandEvents_AreExactlyHundredThousandRows_IfSentInBatches()
    {
        var spool = RepoPaths.NewTempDirectory("spool-100k");
        // All from one client address (X-Forwarded-For), far past the per-IP rate limit, which is not what this is about.
        var settings = Settings(spool);
        settings["Security:PermitsPerIp"] = "1000000";
        await using var edge = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("events100k"), settings);
        using var http = NoCookies(edge);
        await Poll.UntilReadyAsync(http);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);
        var clock = Stopwatch.StartNew();

        var accepted = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (request, _) =>
        {
            var response = await CollectAsync(http, Batch(site, Enumerable.Range(0, 50).Select(i => $"/p/{request}/{i}")));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Interlocked.Add(ref accepted, 50);
        });
        var sent = clock.Elapsed;
        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, edge.Database, "SELECT count() FROM pageviews FINAL") >= 100_000,
            TimeSpan.FromSeconds(90), "100,000 rows in pageviews");
        var stored = clock.Elapsed;

        Assert.Equal(100_000, accepted);
        Assert.Equal(100_000UL, await ScalarAsync(sharedClickHouse, edge.Database, "SELECT count() FROM pageviews FINAL"));
        Assert.Equal(100_000UL, await ScalarAsync(sharedClickHouse, edge.Database, "SELECT uniqExact(path) FROM pageviews"));
        TestContext.Current.SendDiagnosticMessage($"100,000 events: accepted in {sent.TotalSeconds:F1} s, all in ClickHouse after {stored.TotalSeconds:F1} s");
        TestContext.Current.TestOutputHelper?.WriteLine($"100,000 events: accepted in {sent.TotalSeconds:F1} s, all in ClickHouse after {stored.TotalSeconds:F1} s; raw rows {await ScalarAsync(sharedClickHouse, edge.Database, "SELECT count() FROM pageviews")}");
    }

    [Fact]
    public async Task EveryAcknowledgedEvent_ArrivesOnce_IfClickHouseStopsMidRun()
    {
        await using var clickHouse = new ClickHouseHostFixture();
        await clickHouse.StartAsync();
        var spool = RepoPaths.NewTempDirectory("spool-chdown");
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("eventschdown"), Settings(spool, flushMs: 100));
        using var http = NoCookies(edge);
        await Poll.UntilReadyAsync(http);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);

        var acknowledged = new ConcurrentBag<string>();
        async Task SendAsync(int from, int count)
        {
            for (var r = from; r < from + count; r++)
            {
                var paths = Enumerable.Range(0, 20).Select(i => $"/c/{r}/{i}").ToArray();
                var response = await CollectAsync(http, Batch(site, paths));
                if (response.StatusCode == HttpStatusCode.Accepted) foreach (var p in paths) acknowledged.Add(p);
            }
        }
        await SendAsync(0, 50);
        await clickHouse.StopAsync();
        await SendAsync(50, 50); // ClickHouse is down: the spool takes them
        await Poll.UntilAsync(() => Task.FromResult(edge.Logs.Lines.Any(l => l.Contains("transient", StringComparison.Ordinal))), TimeSpan.FromSeconds(30),
            "the shipper to fail against the stopped ClickHouse");
        await clickHouse.StartAsync();
        await SendAsync(100, 50);

        await Poll.UntilAsync(async () => await ScalarAsync(clickHouse, edge.Database, "SELECT count() FROM pageviews FINAL") >= (ulong)acknowledged.Count,
            TimeSpan.FromSeconds(60), $"{acknowledged.Count} acknowledged events in ClickHouse");
        Assert.Equal(3000, acknowledged.Count);
        Assert.Equal((ulong)acknowledged.Count, await ScalarAsync(clickHouse, edge.Database, "SELECT count() FROM pageviews FINAL"));
        Assert.Equal((ulong)acknowledged.Count, await ScalarAsync(clickHouse, edge.Database, "SELECT uniqExact(path) FROM pageviews"));
        // None twice: the retried batches reused their deduplication tokens, so not even unmerged duplicates exist.
        Assert.Equal((ulong)acknowledged.Count, await ScalarAsync(clickHouse, edge.Database, "SELECT count() FROM pageviews"));
    }

    [Fact]
    public async Task AcknowledgedEvents_Arrive_IfTheEdgeIsKilledRightAfterAcknowledging()
    {
        var spool = RepoPaths.NewTempDirectory("spool-kill");
        var database = EdgeApplication.DatabaseFor("eventskill");
        var site = NewSiteKey();
        var acknowledged = 0;
        // First life: a long flush interval, so the events are still only in the spool when the process dies.
        using (var first = await EdgeProcess.StartAsync(garnet.Url, sharedClickHouse.BaseUrl, database, spool, flushMs: 600_000))
        {
            await CreateSiteAsync(first.Http, site);
            for (var r = 0; r < 20; r++)
            {
                var response = await CollectAsync(first.Http, Batch(site, Enumerable.Range(0, 25).Select(i => $"/k/{r}/{i}")));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                acknowledged += 25;
            }
            first.Kill(); // SIGKILL, right after the last 202
        }
        Assert.Equal(0UL, await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews"));

        using var second = await EdgeProcess.StartAsync(garnet.Url, sharedClickHouse.BaseUrl, database, spool, flushMs: 100);
        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews FINAL") >= (ulong)acknowledged,
            TimeSpan.FromSeconds(60), $"{acknowledged} events after the restart", () => second.Output);

        Assert.Equal((ulong)acknowledged, await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews FINAL"));
        Assert.Equal((ulong)acknowledged, await ScalarAsync(sharedClickHouse, database, "SELECT uniqExact(path) FROM pageviews"));
    }

    [Fact]
    public async Task AcknowledgedEvents_ArriveOnceWithNoRawDuplicate_IfTheEdgeIsKilledWhileABatchIsBeingShipped()
    {
        await using var clickHouse = new ClickHouseHostFixture();
        await clickHouse.StartAsync();
        var spool = RepoPaths.NewTempDirectory("spool-kill-shipping");
        var database = EdgeApplication.DatabaseFor("eventskillshipping");
        var site = NewSiteKey();
        var acknowledged = 0;
        using (var first = await EdgeProcess.StartAsync(garnet.Url, clickHouse.BaseUrl, database, spool, flushMs: 50))
        {
            await CreateSiteAsync(first.Http, site);
            // The host hangs: the shipper's insert is sent and waits, unread, in the host's socket.
            clickHouse.Pause();
            try
            {
                for (var r = 0; r < 8; r++)
                {
                    Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(first.Http, Batch(site, Enumerable.Range(0, 25).Select(i => $"/s/{r}/{i}")))).StatusCode);
                    acknowledged += 25;
                }
                await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(spool, database, "shipper.state")) && clickHouse.HasUnreadRequest()),
                    TimeSpan.FromSeconds(30), "an insert in flight to the paused host", () => first.Output);
                first.Kill(); // SIGKILL with the batch on the wire
            }
            finally
            {
                clickHouse.Resume(); // it now reads the dead edge's insert, whole or cut off
            }
        }

        using var second = await EdgeProcess.StartAsync(garnet.Url, clickHouse.BaseUrl, database, spool, flushMs: 50);
        await Poll.UntilAsync(async () => await ScalarAsync(clickHouse, database, "SELECT count() FROM pageviews FINAL") >= (ulong)acknowledged,
            TimeSpan.FromSeconds(60), $"{acknowledged} events after the restart", () => second.Output);
        Assert.Equal((ulong)acknowledged, await ScalarAsync(clickHouse, database, "SELECT uniqExact(path) FROM pageviews"));
        // Raw rows, without FINAL: the batch resent after the kill carried the same deduplication token.
        Assert.Equal((ulong)acknowledged, await ScalarAsync(clickHouse, database, "SELECT count() FROM pageviews"));
    }

    [Fact]
    public async Task LeaseHistoryRows_Arrive_IfTheEdgeIsKilledWithTheirShipmentPending()
    {
        var spool = RepoPaths.NewTempDirectory("spool-lease-kill");
        var database = EdgeApplication.DatabaseFor("leasekill");
        var site = NewSiteKey();
        string number;
        // First life: a long flush interval, so the lease's start row is still only in its spool when the process dies.
        using (var first = await EdgeProcess.StartAsync(garnet.Url, sharedClickHouse.BaseUrl, database, spool, flushMs: 600_000))
        {
            using var client = new EdgeClient(first.Http);
            await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));
            var answer = await EdgeClient.JsonAsync(await client.RequestNumberAsync(site, "https://www.example.com/landing"));
            Assert.Equal("assigned", answer.GetProperty("status").GetString());
            number = answer.GetProperty("number").GetString()!;
            // The request does not wait for its row's fsync: wait until the spool's writer has committed it to a segment.
            var leaseSpool = Path.Combine(spool, database + ".lease_history");
            // (the digits: JSON may escape the number's "+")
            await Poll.UntilAsync(() => Task.FromResult(EdgeProcess.SpoolHolds(leaseSpool, number.TrimStart('+'))), TimeSpan.FromSeconds(30), "the lease's start row in its spool");
            first.Kill();
        }
        var open = $"SELECT count() FROM lease_history FINAL WHERE site_id = '{site}' AND number = '{number}' AND ended_at IS NULL";
        Assert.Equal(0UL, await ScalarAsync(sharedClickHouse, database, open));

        using var second = await EdgeProcess.StartAsync(garnet.Url, sharedClickHouse.BaseUrl, database, spool, flushMs: 100);
        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, database, open) >= 1, TimeSpan.FromSeconds(60),
            "the lease's start row after the restart", () => second.Output);
        Assert.Equal(1UL, await ScalarAsync(sharedClickHouse, database, $"SELECT count() FROM lease_history WHERE site_id = '{site}'"));
    }

    [Fact]
    public async Task TheEdgeWatchesNoFiles_SoItsSpoolWritesWakeNothing()
    {
        // A configuration source that reloads on change watches the content root recursively with inotify; run from a
        // directory that holds the spool, every commit would wake it.
        var spool = RepoPaths.NewTempDirectory("spool-watch");
        using var edge = await EdgeProcess.StartAsync(garnet.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("eventswatch"), spool, flushMs: 100);
        var site = NewSiteKey();
        await CreateSiteAsync(edge.Http, site);
        Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(edge.Http, Batch(site, ["/watched"]))).StatusCode);

        var inotify = Directory.GetFiles($"/proc/{edge.Id}/fd")
            .Count(fd => new FileInfo(fd).LinkTarget is "anon_inode:inotify");
        Assert.Equal(0, inotify);
    }

    [Fact]
    public async Task EventsArrive_AfterACleanRestart_OfAnEdgeWhoseSpoolWasFullyShipped()
    {
        // The shipper's saved position names a segment by number; a restart that found no segment left (all shipped,
        // the empty active one deleted at stop) once began again at segment 1 and read it from the old position.
        var spool = RepoPaths.NewTempDirectory("spool-restart");
        var database = EdgeApplication.DatabaseFor("eventsrestart");
        var site = NewSiteKey();
        await using (var first = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, database, Settings(spool, flushMs: 100)))
        {
            using var http = NoCookies(first);
            await Poll.UntilReadyAsync(http);
            await CreateSiteAsync(http, site);
            Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(http, Batch(site, ["/before/" + new string('x', 500)]))).StatusCode);
            await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews") == 1,
                TimeSpan.FromSeconds(30), "the first event shipped");
            await Poll.UntilAsync(() => Task.FromResult(File.ReadAllText(Path.Combine(spool, database, "shipper.state")).Split(' ')[1] != "0"),
                TimeSpan.FromSeconds(60), "the shipper's position saved");
        }

        // Second life: the shipped segment, now sealed, is deleted; the new active one is empty and deleted at stop.
        await using (var second = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, database, Settings(spool, flushMs: 100)))
        {
            using var http = NoCookies(second);
            await Poll.UntilReadyAsync(http);
            await Poll.UntilAsync(() => Task.FromResult(!File.Exists(Path.Combine(spool, database, "000000000001.seg"))),
                TimeSpan.FromSeconds(60), "the shipped segment deleted");
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(spool, database), "*.seg"));

        await using var third = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, database, Settings(spool, flushMs: 100));
        using var again = NoCookies(third);
        await Poll.UntilReadyAsync(again);
        Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(again, Batch(site, ["/after/1", "/after/2"]))).StatusCode);

        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews") >= 3,
            TimeSpan.FromSeconds(30), "the events sent after the restarts", () => third.Logs.Tail("Shipper"));
        Assert.Equal(2UL, await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews WHERE path LIKE '/after/%'"));
    }

    [Fact]
    public async Task EventsArrive_IfClickHouseCompressionIsOn()
    {
        // Tests reach ClickHouse on loopback, where compression is off by default; a remote ClickHouse gets compressed bodies.
        var spool = RepoPaths.NewTempDirectory("spool-compressed");
        var settings = Settings(spool);
        settings["ClickHouse:Compression"] = "true";
        await using var edge = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("eventszip"), settings);
        using var http = NoCookies(edge);
        await Poll.UntilReadyAsync(http);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);

        Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(http, Batch(site, ["/z/1", "/z/2", "/z/3"]))).StatusCode);

        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, edge.Database, $"SELECT count() FROM pageviews WHERE site_id = '{site}'") >= 3,
            TimeSpan.FromSeconds(30), "three compressed rows");
        Assert.Equal(3UL, await ScalarAsync(sharedClickHouse, edge.Database, $"SELECT uniqExact(path) FROM pageviews WHERE site_id = '{site}'"));
    }

    [Fact]
    public async Task SpoolRecordsOfTheEarlierFormat_AreShipped_IfAnUpgradedEdgeFindsThem()
    {
        // Versions before the JSONEachRow spool wrote camelCase records ({"eventId":…}); an edge upgraded with some still
        // on disk ships them with the rest.
        var site = NewSiteKey();
        var at = new DateTime(2026, 11, 2, 9, 30, 15, 250, DateTimeKind.Utc);
        var legacy = new[] { "/old/1", "/old/2" }.Select(path =>
            $$"""{"eventId":"{{Guid.CreateVersion7(at)}}","siteId":"{{site}}","eventName":"pageview","timestamp":"2026-11-02T09:30:15.25Z","visitorId":"v1","sessionId":"s1","url":"https://www.example.com{{path}}","host":"www.example.com","path":"{{path}}","title":"Old","referrer":"","referrerHost":"","source":"","medium":"","channel":"direct","utmSource":"","utmMedium":"","utmCampaign":"","utmTerm":"","utmContent":"","clickIdType":"","clickId":"","browser":"Chrome","browserVersion":"124","os":"Windows","osVersion":"10","deviceFamily":"Other","deviceBrand":"","deviceType":"desktop","screenWidth":1280,"countryCode":"GB","region":"","city":"","ipPrefix":"81.2.69.0","isBot":false,"botReasons":[],"userAgent":"UA"}""").ToArray();
        var database = await ShipOldRecordsWithANewOneAsync("eventslegacy", site, legacy);
        Assert.Equal(2UL, await ScalarAsync(sharedClickHouse, database,
            $"SELECT count() FROM pageviews WHERE path LIKE '/old/%' AND title = 'Old' AND channel = 'direct' AND screen_width = 1280 " +
            $"AND timestamp = toDateTime64('2026-11-02 09:30:15.250', 3, 'UTC') AND country_code = 'GB' AND site_id = '{site}'"));
    }

    [Fact]
    public async Task SpoolRecordsOfTheJsonEachRowFormat_AreShippedAsRowBinary_IfAnUpgradedEdgeFindsThem()
    {
        // Versions before the RowBinary spool wrote each pageview as a JSONEachRow line ({"event_id":…}); an edge that
        // writes rows finds them beside its own and rewrites them as rows on the way, every column as it was.
        var site = NewSiteKey();
        var ids = new[] { Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), Guid.Parse("0193a1b2-c3d4-7e5f-9a9b-ffeeddccbbaa") };
        var records = ids.Select((id, i) =>
            $$"""{"event_id":"{{id}}","site_id":"{{site}}","event_name":"pageview","timestamp":"2026-11-30 23:59:59.987","visitor_id":"v1","session_id":"s1","url":"https://www.example.com/row/{{i}}","host":"www.example.com","path":"/row/{{i}}","title":"Ünï \"q\" 😀","referrer":"","referrer_host":"","source":"","medium":"","channel":"direct","utm_source":"","utm_medium":"","utm_campaign":"","utm_term":"","utm_content":"","click_id_type":"","click_id":"","browser":"Chrome","browser_version":"124","os":"Windows","os_version":"10","device_family":"Other","device_brand":"","device_type":"desktop","screen_width":65535,"country_code":"GB","region":"","city":"","ip_prefix":"81.2.69.0","is_bot":true,"bot_reasons":["crawler_list","no_accept_language"],"user_agent":"UA"}""").ToArray();
        var database = await ShipOldRecordsWithANewOneAsync("eventsjsonrow", site, records);
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            Assert.Equal(1UL, await ScalarAsync(sharedClickHouse, database,
                $"SELECT count() FROM pageviews WHERE event_id = toUUID('{id}') AND path = '/row/{i}' AND title = 'Ünï \"q\" 😀' " +
                "AND timestamp = toDateTime64('2026-11-30 23:59:59.987', 3, 'UTC') AND screen_width = 65535 AND is_bot " +
                "AND bot_reasons = ['crawler_list', 'no_accept_language'] AND country_code = 'GB' AND user_agent = 'UA'"));
    }

    /// <summary>
    /// Leaves two records written by an earlier edge version in a new spool, starts the built edge on it, collects one
    /// new pageview, and waits until all three rows are in ClickHouse (exactly three); returns the edge's database.
    /// </summary>
    private async Task<string> ShipOldRecordsWithANewOneAsync(string name, string site, string[] oldRecords)
    {
        var spool = RepoPaths.NewTempDirectory("spool-" + name);
        var database = EdgeApplication.DatabaseFor(name);
        var directory = Directory.CreateDirectory(Path.Combine(spool, database)).FullName;
        File.WriteAllBytes(Path.Combine(directory, "000000000001.seg"), SpoolTests.Framed(oldRecords));

        using var edge = await EdgeProcess.StartAsync(garnet.Url, sharedClickHouse.BaseUrl, database, spool, flushMs: 100);
        await CreateSiteAsync(edge.Http, site);
        Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(edge.Http, Batch(site, ["/new/1"]))).StatusCode);

        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews FINAL") >= 3,
            TimeSpan.FromSeconds(60), "the two old records and the new one", () => edge.Output);
        Assert.Equal(3UL, await ScalarAsync(sharedClickHouse, database, "SELECT count() FROM pageviews FINAL"));
        return database;
    }

    [Fact]
    public async Task MalformedBatch_GoesToTheDeadLetterFile_IfClickHouseRejectsIt_AndTheRestFlows()
    {
        var spool = RepoPaths.NewTempDirectory("spool-dead");
        await using var edge = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("eventsdead"), Settings(spool));
        using var http = NoCookies(edge);
        await Poll.UntilReadyAsync(http);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);
        // ClickHouse refuses any row whose path is /poison (VIOLATED_CONSTRAINT), as it would a row it cannot parse.
        using (var client = sharedClickHouse.CreateClient(edge.Database))
            await client.ExecuteNonQueryAsync("ALTER TABLE pageviews ADD CONSTRAINT no_poison CHECK path != '/poison'", cancellationToken: Ct);

        var response = await CollectAsync(http, Batch(site, ["/good/1", "/good/2", "/poison", "/good/3", "/good/4", "/good/5"]));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var after = await CollectAsync(http, Batch(site, ["/after"]));
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);

        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, edge.Database, "SELECT count() FROM pageviews FINAL") >= 6,
            TimeSpan.FromSeconds(30), "the good events");
        var deadLetters = Path.Combine(spool, edge.Database, "dead-letter");
        await Poll.UntilAsync(() => Task.FromResult(Directory.Exists(deadLetters) && Directory.EnumerateFiles(deadLetters).Any()), TimeSpan.FromSeconds(60), "a dead-letter file");
        var lines = Directory.EnumerateFiles(deadLetters).SelectMany(File.ReadAllLines).ToList();
        var line = Assert.Single(lines);
        Assert.Contains("/poison", line);
        Assert.Contains("469", line);
        Assert.Equal(0UL, await ScalarAsync(sharedClickHouse, edge.Database, "SELECT count() FROM pageviews WHERE path = '/poison'"));
        Assert.Equal(6UL, await ScalarAsync(sharedClickHouse, edge.Database, "SELECT count() FROM pageviews FINAL"));
    }
}

/// <summary>The built edge as its own process, with a spool directory the test controls, so it can be SIGKILLed.</summary>
internal sealed class EdgeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private EdgeProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _output.TakeLast(40));

    public static async Task<EdgeProcess> StartAsync(string redisUrl, string clickHouseUrl, string database, string spool, int flushMs)
    {
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = spool, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(EdgeBinary.Directory, "CustomerLab.Edge.dll"));
        foreach (var arg in new[]
        {
            "--contentRoot", EdgeBinary.Directory, "--urls", $"http://127.0.0.1:{port}",
            $"--Redis:Url={redisUrl}", $"--ClickHouse:Url={clickHouseUrl}", $"--ClickHouse:Database={database}",
            $"--Cookies:SigningKey={EdgeApplication.CookieSigningKey}", "--Cookies:Secure=false",
            $"--Admin:ApiKeySha256:0={TestSites.Sha256Hex(EdgeApplication.AdminKey)}",
            $"--Delivery:SpoolPath={spool}", "--Events:ClientIpHeader=X-Forwarded-For", $"--Delivery:FlushIntervalMs={flushMs}",
            "--Logging:Console:FormatterName=simple",
            // As in EdgeApplication: on two shared cores a 40 ms Redis bound turns slow moments into default numbers.
            "--Numbers:RedisTimeoutMs=2000", "--Redis:CommandTimeoutMs=5000",
        })
            psi.ArgumentList.Add(arg);
        var edge = new EdgeProcess(Process.Start(psi)!, port);
        try
        {
            await Poll.UntilReadyAsync(edge.Http, "the edge process", () => edge.Output);
        }
        catch
        {
            edge.Dispose();
            throw;
        }
        return edge;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        Http.Dispose();
    }

    /// <summary>True once a segment of the spool in <paramref name="directory"/> holds a record mentioning <paramref name="text"/>.</summary>
    public static bool SpoolHolds(string directory, string text)
    {
        if (!Directory.Exists(directory)) return false;
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        foreach (var segment in Directory.EnumerateFiles(directory, "*.seg"))
        {
            try
            {
                using var file = new FileStream(segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                file.CopyTo(copy);
                if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0) return true;
            }
            catch (IOException) { } // rolled or deleted meanwhile: look again on the next poll
        }
        return false;
    }
}
