using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Privacy;
using CustomerLab.Edge.Record;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CustomerLab.Tests.Privacy;

/// <summary>
/// The follow-up queue's scripts on Garnet, with a <see cref="FakeTimeProvider"/>: claims are exclusive between edges,
/// a claim ends by completion, by rescheduling or by running out, and a newer deletion's follow-up is never dropped.
/// Each test has a queue of its own (its own database name).
/// </summary>
public sealed class PrivacyFollowUpQueueTests(GarnetFixture garnet, ClickHouseHostFixture clickHouseHost)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private const int DelaySeconds = 120;

    [Fact]
    public async Task EachDueMemberGoesToOneEdge_IfTwoEdgesClaimAtOnce()
    {
        var (time, first, db) = await NewQueueAsync();
        var second = new PrivacyFollowUpQueue(db.Multiplexer, first.Options, first.ClickHouse, time, first.Record);
        var subjects = Enumerable.Range(0, 60).Select(i => new PrivacySubject(PrivacySubjectType.Visitor, $"v{i}")).ToArray();
        foreach (var subject in subjects) await first.Queue.EnqueueAsync(subject);
        time.Advance(TimeSpan.FromSeconds(DelaySeconds));

        async Task<List<string>> DrainAsync(PrivacyFollowUpQueue queue)
        {
            var taken = new List<string>();
            while (await queue.ClaimDueAsync(7) is { Count: > 0 } batch) taken.AddRange(batch.Select(c => c.Member));
            return taken;
        }
        var results = await Task.WhenAll(DrainAsync(first.Queue), DrainAsync(second), DrainAsync(first.Queue), DrainAsync(second));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(subjects.Length, all.Count);
        Assert.Equal(subjects.Select(PrivacyFollowUpQueue.Member).Order(), all.Order());
    }

    [Fact]
    public async Task MemberIsDueOnlyAfterTheDelay_AndRemovedWhenCompleted()
    {
        var (time, q, db) = await NewQueueAsync();
        var subject = new PrivacySubject(PrivacySubjectType.Phone, "+16175550123");

        var due = await q.Queue.EnqueueAsync(subject);
        // Durable before it counts: the record holds the pending follow-up (Redis is rebuilt from it after a loss).
        Assert.Equal(new FollowUpRecord("phone:+16175550123", due.ToUnixTimeMilliseconds()), Assert.Single(await q.Record.ReadFollowUpsAsync(TestContext.Current.CancellationToken)));
        time.Advance(TimeSpan.FromSeconds(DelaySeconds - 1));
        var early = await q.Queue.ClaimDueAsync(10);
        time.Advance(TimeSpan.FromSeconds(1));
        var claimed = Assert.Single(await q.Queue.ClaimDueAsync(10));
        var again = await q.Queue.ClaimDueAsync(10);
        await q.Queue.CompleteAsync(claimed);

        Assert.Equal(Start.AddSeconds(DelaySeconds), due);
        Assert.Empty(early);
        Assert.Equal("phone:+16175550123", claimed.Member);
        Assert.Empty(again); // claimed: no other edge sees it
        Assert.Equal(0, await db.SortedSetLengthAsync(q.Queue.Key));
        // Once it ran, the subject's id is gone from the record too: deleted, not tombstoned (raw rows, no FINAL).
        using var clickHouse = clickHouseHost.CreateClient();
        Assert.Equal(0UL, Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(
            $"SELECT count() FROM {q.Record.SecretsDatabase}.privacy_followups WHERE member = 'phone:+16175550123'", cancellationToken: TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task FailedFollowUpIsDueAgainLater_AndAClaimRunsOut_IfItsEdgeStops()
    {
        var (time, q, _) = await NewQueueAsync();
        await q.Queue.EnqueueAsync(new PrivacySubject(PrivacySubjectType.Visitor, "failing"));
        await q.Queue.EnqueueAsync(new PrivacySubject(PrivacySubjectType.Visitor, "abandoned"));
        time.Advance(TimeSpan.FromSeconds(DelaySeconds));
        var claimed = await q.Queue.ClaimDueAsync(10);
        var failing = claimed.Single(c => c.Member == "visitor:failing");

        await q.Queue.RescheduleAsync(failing, time.GetUtcNow().AddSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        var retried = await q.Queue.ClaimDueAsync(10);
        time.Advance(PrivacyFollowUpQueue.ClaimDuration);
        var afterClaimEnds = await q.Queue.ClaimDueAsync(10);

        Assert.Equal(2, claimed.Count);
        Assert.Equal(new[] { "visitor:failing" }, retried.Select(c => c.Member));
        // "abandoned" was never completed (its edge stopped): due again once the claim ran out; so is the retried one.
        Assert.Equal(new[] { "visitor:abandoned", "visitor:failing" }, afterClaimEnds.Select(c => c.Member).Order());
    }

    [Fact]
    public async Task NewerDeletionsFollowUpStays_IfItWasScheduledWhileAnEarlierOneRan()
    {
        var (time, q, db) = await NewQueueAsync();
        var subject = new PrivacySubject(PrivacySubjectType.Visitor, "twice");
        await q.Queue.EnqueueAsync(subject);
        time.Advance(TimeSpan.FromSeconds(DelaySeconds));
        var claimed = Assert.Single(await q.Queue.ClaimDueAsync(10));

        var newer = await q.Queue.EnqueueAsync(subject); // a second deletion while the first follow-up runs
        await q.Queue.CompleteAsync(claimed);
        await q.Queue.RescheduleAsync(claimed, time.GetUtcNow().AddSeconds(1));

        Assert.Equal(newer.ToUnixTimeMilliseconds(), (long?)await db.SortedSetScoreAsync(q.Queue.Key, "visitor:twice"));
    }

    [Theory]
    [InlineData("visitor:3q2-7wX0sVuXhcnbmGfH4w", PrivacySubjectType.Visitor, "3q2-7wX0sVuXhcnbmGfH4w")]
    [InlineData("phone:+16175550123", PrivacySubjectType.Phone, "+16175550123")]
    [InlineData("visitor:a:b", null, null)]
    [InlineData("visitor:", null, null)]
    [InlineData("phone:6175550123", null, null)]
    [InlineData("caller:+16175550123", null, null)]
    [InlineData("nothing", null, null)]
    public void MemberIsParsedBackToItsSubject_OrRefusedIfMalformed(string member, PrivacySubjectType? type, string? value)
    {
        var subject = PrivacyFollowUpQueue.Parse(member);

        Assert.Equal(type, subject?.Type);
        Assert.Equal(value, subject?.Value);
        if (subject is not null) Assert.Equal(member, PrivacyFollowUpQueue.Member(subject));
    }

    private sealed record QueueParts(PrivacyFollowUpQueue Queue, IOptions<PrivacyOptions> Options, IOptions<ClickHouseOptions> ClickHouse, ConfigRecord Record);

    private async Task<(FakeTimeProvider Time, QueueParts Queue, IDatabase Db)> NewQueueAsync()
    {
        var time = new FakeTimeProvider(Start);
        var connection = await ConnectionMultiplexer.ConnectAsync(garnet.Endpoint);
        var privacy = Options.Create(new PrivacyOptions { FollowUpDelaySeconds = DelaySeconds });
        var clickHouse = Options.Create(new ClickHouseOptions { Database = "t_followup_" + Guid.NewGuid().ToString("N") });
        // The queue's durable record, in the shared ClickHouse host (a secrets database of its own per test).
        var record = new ConfigRecord(clickHouseHost.CreateClient(), clickHouse, Options.Create(new RecordOptions()), time);
        return (time, new QueueParts(new PrivacyFollowUpQueue(connection, privacy, clickHouse, time, record), privacy, clickHouse, record), connection.GetDatabase());
    }
}
