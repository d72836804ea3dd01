using CustomerLab.Tests.Events;
using System.Net;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Events.EventsTesting;
using static CustomerLab.Tests.Fixtures.TestSites;

namespace CustomerLab.Tests.Delivery;

/// <summary>
/// The delivery tests that kill or restart the built edge as a process run one after another, beside the other
/// delivery collection and the rest: each runs its own edge process against its own spool.
/// </summary>
[CollectionDefinition(nameof(DeliveryRestartCollection))]
[LongRunning]
public sealed class DeliveryRestartCollection;

/// <summary>Every acknowledged event reaches ClickHouse exactly once across an edge process's death, and across upgrades of the spool's format.</summary>
[Collection(nameof(DeliveryRestartCollection))]
public sealed class DeliveryRestartTests(GarnetFixture garnet, ClickHouseHostFixture sharedClickHouse)
{
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
}
