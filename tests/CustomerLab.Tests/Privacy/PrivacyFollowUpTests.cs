using System.Net;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Privacy;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CustomerLab.Tests.Privacy;

/// <summary>
/// The follow-up pass of a deletion on real servers: an event still on its way when the deletion ran (sent with the
/// visitor's cookies, which still verify, through the spool) is removed by the pass a few seconds later; the CLI only
/// schedules the pass.
/// </summary>
public sealed class PrivacyFollowUpTests(PrivacyFollowUpFixture fixture) : IClassFixture<PrivacyFollowUpFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LatePageviewIsRemoved_IfItLandsAfterTheDeletion()
    {
        var (client, site, visitorId, _, _) = await PrivacyVisits.WithPageviewsAsync(fixture.Edge, fixture.ClickHouse);
        using var _ = client;
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        var queue = fixture.Edge.Services.GetRequiredService<PrivacyFollowUpQueue>();
        var subject = new PrivacySubject(PrivacySubjectType.Visitor, visitorId);
        var member = PrivacyFollowUpQueue.Member(subject);
        var hash = fixture.Edge.Services.GetRequiredService<PrivacyRequests>().SubjectHash(subject);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisUrl.Replace("redis://", ""));
        var db = redis.GetDatabase();
        Task<ulong> PageviewsAsync() => PrivacyVisits.CountAsync(clickHouse, $"SELECT count() FROM pageviews FINAL WHERE visitor_id = '{visitorId}'");
        Task<ulong> FollowUpAuditsAsync() => PrivacyVisits.CountAsync(clickHouse,
            $"SELECT count() FROM privacy_audit WHERE subject_hash = '{hash}' AND requested_by = 'follow-up' AND action = 'delete' AND outcome = 'completed'");

        var deletedAt = fixture.FakeClock.GetUtcNow();
        var delete = await client.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId });
        // In flight: the deletion leaves the cookies valid, so this event passes collect and the spool after it.
        var late = await client.SendPageviewAsync(site, "https://www.example.com/late", PrivacyVisits.Landing, "Late");
        var scheduled = await db.SortedSetScoreAsync(queue.Key, member);
        await Poll.UntilAsync(async () => await PageviewsAsync() == 1, TimeSpan.FromSeconds(30), "the late pageview in ClickHouse");
        var whenLanded = await db.SortedSetScoreAsync(queue.Key, member);
        // Now the follow-up becomes due on the edge's clock (its delay, plus a poll interval for the service to look).
        fixture.FakeClock.Advance(TimeSpan.FromSeconds(PrivacyFollowUpFixture.DelaySeconds + 1));
        await Poll.UntilAsync(async () => await PageviewsAsync() == 0 && await FollowUpAuditsAsync() == 1 && await db.SortedSetScoreAsync(queue.Key, member) is null,
            TimeSpan.FromSeconds(30), "the follow-up pass: late pageview gone, its audit row written, its queue member removed");

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        var due = (await EdgeClient.JsonAsync(delete)).GetProperty("followUpDueAt").GetDateTimeOffset();
        Assert.Equal(deletedAt.AddSeconds(PrivacyFollowUpFixture.DelaySeconds).ToUnixTimeMilliseconds(), due.ToUnixTimeMilliseconds());
        Assert.Equal(due.ToUnixTimeMilliseconds(), (long?)scheduled);
        Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
        // The premise: the late row was in ClickHouse before the pass took the member (else it proves nothing).
        Assert.True(whenLanded == scheduled, "the follow-up pass had already started when the late pageview landed");
        Assert.Equal(0UL, await PrivacyVisits.CountAsync(clickHouse, $"SELECT count() FROM sessions_agg WHERE visitor = '{visitorId}'"));
        // The pass removed that pageview (its own counts say so) and scheduled no further pass.
        Assert.Equal(1UL, await PrivacyVisits.CountAsync(clickHouse,
            $"SELECT JSONExtractUInt(counts, 'clickhouse.pageviews') FROM privacy_audit WHERE subject_hash = '{hash}' AND requested_by = 'follow-up'"));
        Assert.Null(await db.SortedSetScoreAsync(queue.Key, member));
        Assert.Equal(0UL, await PrivacyVisits.CountAsync(clickHouse, $"SELECT count() FROM privacy_audit WHERE position(toString(tuple(*)), '{visitorId}') > 0"));
    }

    [Fact]
    public async Task CliDeletionSchedulesTheFollowUp_ForTheEdgesToRun()
    {
        var visitorId = "cli" + Guid.NewGuid().ToString("N")[..16];
        var queue = fixture.Edge.Services.GetRequiredService<PrivacyFollowUpQueue>();
        string[] config = [.. fixture.Edge.StoreArguments, $"--Cookies:SigningKey={EdgeApplication.CookieSigningKey}", "--Privacy:FollowUpDelaySeconds=600"];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var before = DateTimeOffset.UtcNow;
        var code = await PrivacyCli.RunAsync(["privacy", "delete", "--visitor", visitorId, .. config], stdout, stderr);
        var after = DateTimeOffset.UtcNow;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisUrl.Replace("redis://", ""));
        var scheduled = await redis.GetDatabase().SortedSetScoreAsync(queue.Key, PrivacyFollowUpQueue.Member(new PrivacySubject(PrivacySubjectType.Visitor, visitorId)));

        Assert.True(code == 0, stderr.ToString());
        var due = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("followUpDueAt").GetDateTimeOffset();
        Assert.InRange(due, before.AddSeconds(600), after.AddSeconds(600));
        // In the edge's queue (same Redis, same database), due at that time; an edge runs it then.
        Assert.Equal(due.ToUnixTimeMilliseconds(), (long?)scheduled);
    }

    [Fact]
    public async Task FollowUpIsAudited_AsFollowUpWithoutSchedulingAnother()
    {
        var phone = "+1617555" + Random.Shared.Next(1000, 10000);
        var subject = new PrivacySubject(PrivacySubjectType.Phone, phone);
        var requests = fixture.Edge.Services.GetRequiredService<PrivacyRequests>();
        var queue = fixture.Edge.Services.GetRequiredService<PrivacyFollowUpQueue>();
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisUrl.Replace("redis://", ""));

        var outcome = await requests.FollowUpAsync(subject, Ct);

        Assert.Equal("delete", outcome.Action);
        Assert.Null(outcome.FollowUpDueAt);
        Assert.Null(await redis.GetDatabase().SortedSetScoreAsync(queue.Key, PrivacyFollowUpQueue.Member(subject)));
        Assert.Equal("follow-up", await ScalarAsync(clickHouse, $"SELECT requested_by FROM privacy_audit WHERE request_id = '{outcome.RequestId}'"));
    }

    private static async Task<string?> ScalarAsync(ClickHouseClient clickHouse, string sql) =>
        (string?)await clickHouse.ExecuteScalarAsync(sql, cancellationToken: Ct);
}
