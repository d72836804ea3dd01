using System.Net;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Privacy;
using CustomerLab.Tests.Calls;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CustomerLab.Tests.Privacy;

/// <summary>
/// Access and deletion requests on real servers: data is made through the edge's own endpoints (number, pageviews,
/// a call), exported, deleted, and then looked for in Redis and ClickHouse, where none may be left.
/// </summary>
public sealed class PrivacyRequestsTests(SecurityEdgeFixture fixture) : IClassFixture<SecurityEdgeFixture>
{
    [Fact]
    public async Task NothingAboutTheVisitorRemains_IfDeletedAfterPageviewsLeasesAndACall()
    {
        var (client, site, visitorId, sessionId, number) = await VisitWithPageviewsAsync();
        using var _ = client;
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var caller = NewCaller();
        Assert.Equal(HttpStatusCode.OK, (await CallWebhooks.SendGenericAsync(fixture.Edge.CreateClient(), Call(caller, number))).StatusCode);

        var export = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { visitorId });
        var exported = await EdgeClient.JsonAsync(export);
        var delete = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId });
        var deleted = await EdgeClient.JsonAsync(delete);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(2, exported.GetProperty("data").GetProperty("clickhouse").GetProperty("pageviews").GetArrayLength());
        Assert.Equal(sessionId, exported.GetProperty("data").GetProperty("clickhouse").GetProperty("sessions")[0].GetProperty("session_id").GetString());
        Assert.Contains(exported.GetProperty("data").GetProperty("redis").EnumerateArray(), e => e.GetProperty("kind").GetString() == "live_lease");
        Assert.Contains(exported.GetProperty("data").GetProperty("redis").EnumerateArray(), e => e.GetProperty("kind").GetString() == "sticky_number");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(2, deleted.GetProperty("counts").GetProperty("clickhouse.pageviews").GetInt64());
        Assert.False(deleted.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null);

        // Look for the data: none in ClickHouse, by visitor or by session.
        foreach (var sql in (string[])[
            $"SELECT count() FROM pageviews WHERE visitor_id = '{visitorId}' OR session_id = '{sessionId}'",
            $"SELECT count() FROM sessions_agg WHERE visitor = '{visitorId}' OR session_id = '{sessionId}'",
            $"SELECT count() FROM sessions WHERE session_id = '{sessionId}'",
            $"SELECT count() FROM lease_history WHERE visitor_id = '{visitorId}' OR session_id = '{sessionId}'",
            $"SELECT count() FROM calls WHERE visitor_id = '{visitorId}' OR session_id = '{sessionId}'",
            $"SELECT count() FROM referrer_log WHERE visitor_id = '{visitorId}'"])
            Assert.True(await CountAsync(clickHouse, sql) == 0, sql);
        // None in Redis: no sticky number, no session map, no live lease.
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisUrl.Replace("redis://", ""));
        await using (redis)
        {
            var db = redis.GetDatabase();
            Assert.False(await db.KeyExistsAsync($"cl:{{{site}}}:v:{visitorId}"));
            Assert.False(await db.KeyExistsAsync($"cl:{{{site}}}:s:{sessionId}"));
            foreach (var info in await db.HashValuesAsync($"cl:{{{site}}}:p:main:info"))
                Assert.DoesNotContain(visitorId, (string)info!);
        }
        var stats = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Get, $"/admin/sites/{site}/pools/main/stats"));
        Assert.Equal(0, stats.GetProperty("leasedNow").GetInt32());

        // Both requests are audited with the keyed hash only; the id itself appears nowhere in the audit table.
        // (The deletion's follow-up pass, should it have run already, has a row of its own: not counted here.)
        var hash = fixture.Edge.Services.GetRequiredService<PrivacyRequests>().SubjectHash(new PrivacySubject(PrivacySubjectType.Visitor, visitorId));
        Assert.Equal(2UL, await CountAsync(clickHouse,
            $"SELECT count() FROM privacy_audit WHERE subject_hash = '{hash}' AND outcome = 'completed' AND requested_by != 'follow-up'"));
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM privacy_audit WHERE position(toString(tuple(*)), '{visitorId}') > 0"));
        Assert.Equal(64, hash.Length);
    }

    [Fact]
    public async Task CallerCallsAreGone_IfDeletedByPhoneNumber()
    {
        var caller = NewCaller();
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var call = Call(caller, "+12025550142");
        Assert.Equal(HttpStatusCode.OK, (await CallWebhooks.SendGenericAsync(fixture.Edge.CreateClient(), call)).StatusCode);
        using var client = new EdgeClient(fixture.Edge);

        // National format with spaces is refused (E.164 only by default); the E.164 form works.
        var national = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { phoneNumber = "617 555 " + caller[^4..] });
        var export = await EdgeClient.JsonAsync(await client.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { phoneNumber = caller }));
        var delete = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { phoneNumber = caller });

        Assert.Equal(HttpStatusCode.BadRequest, national.StatusCode);
        Assert.Equal(caller, export.GetProperty("data").GetProperty("clickhouse").GetProperty("calls")[0].GetProperty("caller_number").GetString());
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM calls WHERE caller_number = '{caller}'"));
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisUrl.Replace("redis://", ""));
        await using (redis)
            Assert.False(await redis.GetDatabase().KeyExistsAsync($"cl:call:{call["provider"]}:{call["callId"]}"));
        var hash = fixture.Edge.Services.GetRequiredService<PrivacyRequests>().SubjectHash(new PrivacySubject(PrivacySubjectType.Phone, caller));
        Assert.Equal(2UL, await CountAsync(clickHouse, $"SELECT count() FROM privacy_audit WHERE subject_hash = '{hash}' AND requested_by != 'follow-up'"));
        Assert.Equal(0UL, await CountAsync(clickHouse, $"SELECT count() FROM privacy_audit WHERE position(toString(tuple(*)), '{caller[1..]}') > 0"));
    }

    [Fact]
    public async Task CliExportsAndDeletes_IfGivenTheEdgeConfiguration()
    {
        var (client, _, visitorId, _, _) = await VisitWithPageviewsAsync();
        using var _ = client;
        string[] config = [.. fixture.Edge.StoreArguments, $"--Cookies:SigningKey={EdgeApplication.CookieSigningKey}"];

        var (exportCode, exportOut, exportErr) = await RunCliAsync(["privacy", "export", "--visitor", visitorId, .. config]);
        var (deleteCode, deleteOut, _) = await RunCliAsync(["privacy", "delete", "--visitor", visitorId, .. config]);
        var (againCode, againOut, _) = await RunCliAsync(["privacy", "export", "--visitor", visitorId, .. config]);
        var (usageCode, _, usageErr) = await RunCliAsync(["privacy", "delete", "--visitor", visitorId, "--phone", "+16175550100"]);

        Assert.True(exportCode == 0, exportErr);
        var exported = JsonDocument.Parse(exportOut).RootElement;
        Assert.Equal(2, exported.GetProperty("data").GetProperty("clickhouse").GetProperty("pageviews").GetArrayLength());
        Assert.Equal(0, deleteCode);
        Assert.Equal(2, JsonDocument.Parse(deleteOut).RootElement.GetProperty("counts").GetProperty("clickhouse.pageviews").GetInt64());
        Assert.Equal(0, againCode);
        var after = JsonDocument.Parse(againOut).RootElement;
        Assert.All(after.GetProperty("counts").EnumerateObject(), c => Assert.Equal(0, c.Value.GetInt64()));
        Assert.Equal(2, usageCode);
        Assert.Contains("usage: privacy", usageErr);
    }

    [Fact]
    public async Task RequestIsRefused_IfSubjectIsMissingAmbiguousOrMalformed_OrKeyIsScopedToASite()
    {
        using var client = new EdgeClient(fixture.Edge);

        var neither = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { });
        var both = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/export", new { visitorId = "abc", phoneNumber = "+16175550100" });
        var badId = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId = "abc:*" });
        var badPhone = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { phoneNumber = "+1 not a number" });
        var noKey = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId = "abc" }, key: null);
        var scoped = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId = "abc" }, key: SecurityEdgeFixture.ScopedAdminKey);

        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal("visitorId", (await EdgeClient.JsonAsync(badId)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("phoneNumber", (await EdgeClient.JsonAsync(badPhone)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, scoped.StatusCode);
    }

    private Task<(EdgeClient Client, string Site, string VisitorId, string SessionId, string Number)> VisitWithPageviewsAsync() =>
        PrivacyVisits.WithPageviewsAsync(fixture.Edge, fixture.ClickHouse);

    private static string NewCaller() => "+1617555" + Random.Shared.Next(1000, 10000);

    private static Dictionary<string, object> Call(string caller, string number) => new()
    {
        ["provider"] = "test", ["callId"] = "C" + Guid.NewGuid().ToString("N"), ["from"] = caller, ["to"] = number,
        ["status"] = "completed", ["direction"] = "inbound", ["at"] = DateTimeOffset.UtcNow.ToString("O"),
    };

    private static async Task<(int Code, string Out, string Err)> RunCliAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PrivacyCli.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static Task<ulong> CountAsync(ClickHouseClient clickHouse, string sql) => PrivacyVisits.CountAsync(clickHouse, sql);
}
