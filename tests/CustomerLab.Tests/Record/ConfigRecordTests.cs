using System.Net;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;

namespace CustomerLab.Tests.Record;

/// <summary>
/// Every admin change is written to the record (ClickHouse, versioned) before it is acknowledged; provider tokens only
/// in the secrets database; with the record down an admin write answers 503 and changes nothing.
/// </summary>
[LongRunning]
public sealed class ConfigRecordTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminChanges_AreRecordedWithRisingVersions_AndTheTokenOnlyInTheSecretsDatabase()
    {
        var database = EdgeApplication.DatabaseFor(nameof(AdminChanges_AreRecordedWithRisingVersions_AndTheTokenOnlyInTheSecretsDatabase));
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, database);
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        const string token = "twilio-token-that-analysts-must-not-see";

        var put = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new
        {
            domains = new[] { "example.com" }, defaultNumber = "+12025550199", calls = new { twilioAccountSid = "AC" + new string('0', 32), twilioAuthToken = token },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var numbers = NumbersEdgeFixture.Numbers(3);
        await admin.AddPoolAsync(site, "main", numbers);
        var retire = await admin.AdminAsync(HttpMethod.Delete, $"/admin/sites/{site}/pools/main/numbers/{Uri.EscapeDataString(numbers[1])}");
        Assert.Equal(HttpStatusCode.OK, retire.StatusCode);

        using var client = clickHouse.CreateClient();
        // Once acknowledged, each change is in the record: three documents, versions rising, the newest without the retired number.
        var rows = await QueryAsync(client, $"SELECT version, numbers, document FROM {database}_secrets.site_documents WHERE site_key = '{site}' ORDER BY version");
        Assert.Equal(3, rows.Count);
        Assert.True(Convert.ToUInt64(rows[0][0]) < Convert.ToUInt64(rows[1][0]) && Convert.ToUInt64(rows[1][0]) < Convert.ToUInt64(rows[2][0]));
        var recorded = System.Text.Json.JsonDocument.Parse((string)rows[2][1]!).RootElement.GetProperty("main").EnumerateArray().Select(n => n.GetString());
        Assert.Equal([numbers[0], numbers[2]], recorded);
        Assert.Contains(token, (string)rows[2][2]!);
        // The analysts' copy has the settings without the token.
        var settings = (string)(await QueryAsync(client, $"SELECT settings FROM {database}.config_sites FINAL WHERE site_key = '{site}'")).Single()[0]!;
        Assert.DoesNotContain(token, settings);
        Assert.Contains("12025550199", settings);

        // A pool of hundreds of numbers is one document of kilobytes: recorded whole.
        string[] many = [.. NumbersEdgeFixture.Numbers(100), .. NumbersEdgeFixture.Numbers(100), .. NumbersEdgeFixture.Numbers(100)];
        await admin.AddPoolAsync(site, "big", many);
        var bigPool = (string)(await QueryAsync(client, $"SELECT numbers FROM {database}_secrets.site_documents FINAL WHERE site_key = '{site}'")).Single()[0]!;
        Assert.Equal(300, System.Text.Json.JsonDocument.Parse(bigPool).RootElement.GetProperty("big").GetArrayLength());

        // Deleting the site records a tombstone: the record no longer holds it.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.AdminAsync(HttpMethod.Delete, $"/admin/sites/{site}")).StatusCode);
        var live = await QueryAsync(client, $"SELECT count() FROM {database}_secrets.site_documents FINAL WHERE site_key = '{site}' AND deleted = 0");
        Assert.Equal(0UL, Convert.ToUInt64(live.Single()[0]));
    }

    [Fact]
    public async Task AdminWrites_Answer503AndChangeNothing_WhileTheRecordIsDown()
    {
        await using var ownClickHouse = new ClickHouseHostFixture();
        await ownClickHouse.StartAsync();
        var database = EdgeApplication.DatabaseFor(nameof(AdminWrites_Answer503AndChangeNothing_WhileTheRecordIsDown));
        await using var edge = new EdgeApplication(garnet.Url, ownClickHouse.BaseUrl, database);
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(2);
        await admin.CreateSiteAsync(site, [numbers[0]]);

        await ownClickHouse.StopAsync();
        var changed = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new { domains = new[] { "example.com" }, defaultNumber = "+12025550188" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, changed.StatusCode);
        Assert.Equal("application/problem+json", changed.Content.Headers.ContentType?.MediaType);
        var added = await admin.AdminAsync(HttpMethod.Post, $"/admin/sites/{site}/pools/main/numbers", new { numbers = new[] { numbers[1] } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, added.StatusCode);

        // Nothing of either reached Redis: the record is asked before Redis changes.
        var shown = await EdgeClient.JsonAsync(await admin.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}"));
        Assert.Equal("+12025550199", shown.GetProperty("site").GetProperty("defaultNumber").GetString());
        Assert.Equal(1, shown.GetProperty("pools")[0].GetProperty("stats").GetProperty("size").GetInt32());

        // Back up: writes are acknowledged again.
        await ownClickHouse.StartAsync();
        var again = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new { domains = new[] { "example.com" }, defaultNumber = "+12025550188" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task AdminWrites_Answer503Problem_WhileRedisHangs()
    {
        await using var redis = new RedisServerProcess();
        await redis.StartAsync();
        var database = EdgeApplication.DatabaseFor(nameof(AdminWrites_Answer503Problem_WhileRedisHangs));
        await using var edge = new EdgeApplication(redis.Url, clickHouse.BaseUrl, database);
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));

        // A hung Redis (SIGSTOP): the write times out inside the edge; the client is told to try again, never a 500.
        redis.Pause();
        var changed = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}", new { domains = new[] { "example.com" }, defaultNumber = "+12025550188" });
        redis.Resume();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, changed.StatusCode);
        Assert.Equal("application/problem+json", changed.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(changed.Headers.RetryAfter);

        // Redis back: a retry is acknowledged (409 until the interrupted write's site lock runs out, 10 s at most).
        await Poll.UntilAsync(async () => (await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{site}",
            new { domains = new[] { "example.com" }, defaultNumber = "+12025550188" })).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the retried write");
    }

    internal static async Task<List<object?[]>> QueryAsync(global::ClickHouse.Driver.ClickHouseClient client, string sql)
    {
        var rows = new List<object?[]>();
        using var reader = await client.ExecuteReaderAsync(sql, cancellationToken: Ct);
        while (await reader.ReadAsync(Ct))
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }
        return rows;
    }
}
