using CustomerLab.Tests.Events;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CustomerLab.Tests.Fixtures;
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

/// <summary>Every acknowledged event reaches ClickHouse exactly once: at volume, with ClickHouse restarted, across clean restarts (<see cref="DeliveryRestartTests"/>: with the edge killed).</summary>
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
        await edge.WaitReadyAsync(http);
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
        await edge.WaitReadyAsync(http);
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
            await first.WaitReadyAsync(http);
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
            await second.WaitReadyAsync(http);
            await Poll.UntilAsync(() => Task.FromResult(!File.Exists(Path.Combine(spool, database, "000000000001.seg"))),
                TimeSpan.FromSeconds(60), "the shipped segment deleted");
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(spool, database), "*.seg"));

        await using var third = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, database, Settings(spool, flushMs: 100));
        using var again = NoCookies(third);
        await third.WaitReadyAsync(again);
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
        await edge.WaitReadyAsync(http);
        var site = NewSiteKey();
        await CreateSiteAsync(http, site);

        Assert.Equal(HttpStatusCode.Accepted, (await CollectAsync(http, Batch(site, ["/z/1", "/z/2", "/z/3"]))).StatusCode);

        await Poll.UntilAsync(async () => await ScalarAsync(sharedClickHouse, edge.Database, $"SELECT count() FROM pageviews WHERE site_id = '{site}'") >= 3,
            TimeSpan.FromSeconds(30), "three compressed rows");
        Assert.Equal(3UL, await ScalarAsync(sharedClickHouse, edge.Database, $"SELECT uniqExact(path) FROM pageviews WHERE site_id = '{site}'"));
    }

    [Fact]
    public async Task MalformedBatch_GoesToTheDeadLetterFile_IfClickHouseRejectsIt_AndTheRestFlows()
    {
        var spool = RepoPaths.NewTempDirectory("spool-dead");
        await using var edge = new EdgeApplication(garnet.Url, sharedClickHouse.BaseUrl, EdgeApplication.DatabaseFor("eventsdead"), Settings(spool));
        using var http = NoCookies(edge);
        await edge.WaitReadyAsync(http);
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
