using CustomerLab.Tests.Fixtures;
using System.Collections.Concurrent;
using CsCheck;
using CustomerLab.Edge.Numbers;
using Microsoft.Extensions.Time.Testing;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// The invariants of DESIGN.md §4 on the real servers (Garnet, redis-server, a three-master Redis Cluster): at any
/// instant a number is leased to at most one live session; a session holds at most one number per pool; no number
/// is lost from or duplicated in a pool; a retired number is never handed out again.
/// </summary>
[LongRunning]
public sealed class PoolInvariantTests(PoolServers servers) : IClassFixture<PoolServers>
{
    private const string PoolId = "default";
    private const string Source = "direct";
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(30);
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(PoolServers.Names), MemberType = typeof(PoolServers))]
    public async Task EachNumberGoesToOneSessionAndTheRestAreExhausted_If1200SessionsRaceFor20Numbers(string server)
    {
        const int poolSize = 20, sessionCount = 1_200, inFlight = 64;
        var time = new FakeTimeProvider(Start);
        var pool = await servers.PoolAsync(server, time);
        var site = PoolServers.SiteKey(server);
        await pool.AddNumbersAsync(site, PoolId, PoolServers.Numbers(poolSize));
        var sessions = Enumerable.Range(0, sessionCount).Select(i => $"s{i:D4}").ToArray();

        var first = await RaceAsync(pool, site, sessions, inFlight);

        var assigned = first.Where(r => r.Result.Status == LeaseStatus.Assigned).ToList();
        Assert.Equal(poolSize, assigned.Count);
        Assert.Equal(sessionCount - poolSize, first.Count(r => r.Result.Status == LeaseStatus.Exhausted));
        Assert.Equal(poolSize, assigned.Select(r => r.Result.Lease!.Number).Distinct().Count());
        Assert.Equal(poolSize, assigned.Select(r => r.Session).Distinct().Count());
        Assert.All(assigned, r => Assert.Equal(r.Session, r.Result.Lease!.SessionId));

        var snapshot = await pool.SnapshotAsync(site, PoolId);
        PoolInvariants.AssertHold(snapshot, time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(poolSize, snapshot.All.Count);
        Assert.Empty(snapshot.Free);
        Assert.Equal(assigned.ToDictionary(r => r.Result.Lease!.Number, r => r.Session), snapshot.Holders);

        // Every session asks again (a heartbeat): holders renew their own number, the others are still left out.
        time.Advance(TimeSpan.FromMinutes(1));
        var again = await RaceAsync(pool, site, sessions, inFlight);
        var holderOf = assigned.ToDictionary(r => r.Session, r => r.Result.Lease!.Number);
        foreach (var (session, result) in again)
        {
            if (holderOf.TryGetValue(session, out var number))
            {
                Assert.Equal(LeaseStatus.Renewed, result.Status);
                Assert.Equal(number, result.Lease!.Number);
            }
            else
            {
                Assert.Equal(LeaseStatus.Exhausted, result.Status);
            }
        }
        var after = await pool.SnapshotAsync(site, PoolId);
        PoolInvariants.AssertHold(after, time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(snapshot.Holders, after.Holders);
        var stats = await pool.GetStatsAsync(site, PoolId);
        // Each unserved session counts once, though it asked twice.
        Assert.Equal(sessionCount - poolSize, stats.ExhaustedLastHour);
    }

    private static async Task<List<(string Session, AssignResult Result)>> RaceAsync(NumberPool pool, string site, string[] sessions, int inFlight)
    {
        using var gate = new SemaphoreSlim(inFlight);
        var results = await Task.WhenAll(sessions.Select(async session =>
        {
            await gate.WaitAsync(Ct);
            try
            {
                return (session, await pool.AssignAsync(site, PoolId, session, $"v-{session}", Source, Hold));
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. results];
    }

    // ---- Property: random operation sequences against the server and an in-memory model ----

    public abstract record Op;
    public sealed record AssignOp(int Session) : Op
    {
        public override string ToString() => $"assign s{Session} (visitor v{Session % Visitors})";
    }
    /// <param name="Number">-1: the number the model says the session holds (number 0 if none).</param>
    public sealed record ReleaseOp(int Session, int Number) : Op
    {
        public override string ToString() => Number < 0 ? $"release own number of s{Session}" : $"release n{Number} by s{Session}";
    }
    public sealed record RetireOp(int Number) : Op
    {
        public override string ToString() => $"retire n{Number}";
    }
    public sealed record AddOp(int Number) : Op
    {
        public override string ToString() => $"add n{Number}";
    }
    public sealed record AdvanceOp(int Minutes) : Op
    {
        public override string ToString() => $"advance {Minutes} min";
    }

    private const int Sessions = 8, Visitors = 3, Universe = 8, InitialSize = 5;

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (6, Gen.Int[0, Sessions - 1].Select(s => (Op)new AssignOp(s))),
        (2, Gen.Select(Gen.Int[0, Sessions - 1], Gen.Int[-1, Universe - 1]).Select((s, n) => (Op)new ReleaseOp(s, n))),
        (1, Gen.Int[0, Universe - 1].Select(n => (Op)new RetireOp(n))),
        (1, Gen.Int[0, Universe - 1].Select(n => (Op)new AddOp(n))),
        (2, Gen.OneOfConst(1, 10, 29, 30, 31, 45, 90).Select(m => (Op)new AdvanceOp(m))));

    private static readonly Gen<Op[]> GenOps = GenOp.Array[1, 40];

    [Theory]
    [MemberData(nameof(PoolServers.Names), MemberType = typeof(PoolServers))]
    public async Task ServerAgreesWithModelAndInvariantsHold_IfRandomOperationSequencesRun(string server)
    {
        var connection = await servers.ConnectAsync(server);
        await GenOps.SampleAsync(ops => RunSequenceAsync(connection, server, ops),
            writeLine: TestContext.Current.TestOutputHelper!.WriteLine,
            iter: 100, threads: 2,
            print: ops => "\n" + string.Join("\n", ops.Select((op, i) => $"  {i,2}: {op}")));
    }

    private static async Task RunSequenceAsync(StackExchange.Redis.IConnectionMultiplexer connection, string server, Op[] ops)
    {
        var time = new FakeTimeProvider(Start);
        var pool = new NumberPool(connection, time);
        var site = PoolServers.SiteKey(server, nameof(ServerAgreesWithModelAndInvariantsHold_IfRandomOperationSequencesRun));
        var model = new PoolModel((long)Hold.TotalMilliseconds);
        var initial = PoolServers.Numbers(InitialSize);
        Assert.Equal(model.Add(initial), await pool.AddNumbersAsync(site, PoolId, initial));

        for (var step = 0; step < ops.Length; step++)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var where = $"step {step}: {ops[step]}";
            switch (ops[step])
            {
                case AssignOp(var s):
                {
                    var gone = model.Gone.ToHashSet();
                    var expected = model.Assign($"s{s}", $"v{s % Visitors}", now);
                    var actual = await pool.AssignAsync(site, PoolId, $"s{s}", $"v{s % Visitors}", Source, Hold);
                    Assert.True(expected.Status == actual.Status && expected.Number == actual.Lease?.Number && expected.Sticky == actual.Sticky,
                        $"{where}: server {actual.Status} {actual.Lease?.Number} sticky={actual.Sticky}, model {expected.Status} {expected.Number} sticky={expected.Sticky}");
                    Assert.True(expected.Expired.Order(StringComparer.Ordinal).SequenceEqual(actual.Ended.Select(e => e.Lease.Number).Order(StringComparer.Ordinal)),
                        $"{where}: server ended {{{string.Join(", ", actual.Ended.Select(e => e.Lease.Number))}}}, model {{{string.Join(", ", expected.Expired)}}}");
                    Assert.All(actual.Ended, e => Assert.Equal("expired", e.Reason));
                    if (actual.Lease is { } lease)
                    {
                        Assert.False(gone.Contains(lease.Number), $"{where}: retired {lease.Number} was handed out again");
                        Assert.Equal(now + (long)Hold.TotalMilliseconds, lease.ExpiresAt.ToUnixTimeMilliseconds());
                    }
                    break;
                }
                case ReleaseOp(var s, var n):
                {
                    var number = n >= 0 ? PoolServers.Number(n) : model.SessionNumber.GetValueOrDefault($"s{s}", PoolServers.Number(0));
                    var expected = model.Release(number, $"s{s}", now);
                    var actual = await pool.ReleaseAsync(site, PoolId, number, $"s{s}");
                    Assert.True(expected == actual is not null, $"{where}: server released={actual is not null}, model released={expected}");
                    if (actual is not null) Assert.Equal(("released", number, $"s{s}"), (actual.Reason, actual.Lease.Number, actual.Lease.SessionId));
                    break;
                }
                case RetireOp(var n):
                    Assert.True(model.Retire(PoolServers.Number(n)) == await pool.RetireAsync(site, PoolId, PoolServers.Number(n)), $"{where}: retire outcome differs");
                    break;
                case AddOp(var n):
                    Assert.True(model.Add([PoolServers.Number(n)]) == await pool.AddNumbersAsync(site, PoolId, [PoolServers.Number(n)]), $"{where}: added count differs");
                    break;
                case AdvanceOp(var minutes):
                    time.Advance(TimeSpan.FromMinutes(minutes));
                    break;
            }

            var snapshot = await pool.SnapshotAsync(site, PoolId);
            var diffs = model.Diff(snapshot);
            Assert.True(diffs.Count == 0, $"{where}: server and model differ:\n  {string.Join("\n  ", diffs)}\n{PoolInvariants.Describe(snapshot, time.GetUtcNow().ToUnixTimeMilliseconds())}");
            PoolInvariants.AssertHold(snapshot, time.GetUtcNow().ToUnixTimeMilliseconds(), model.Gone, where);
            Assert.Equal(snapshot.All.Count, snapshot.Free.Count + snapshot.LeaseExpiry.Count);
        }
    }

    // ---- Concurrent interleavings while the clock jumps past hold times ----

    [Theory]
    [MemberData(nameof(PoolServers.Names), MemberType = typeof(PoolServers))]
    public async Task InvariantsHold_IfWorkersAssignRenewAndReleaseWhileClockJumpsPastHoldTimes(string server)
    {
        const int poolSize = 12, sessionCount = 40, workers = 6, maxOpsPerWorker = 1_000, clockJumps = 30, opsBetweenJumps = 30;
        var time = new FakeTimeProvider(Start);
        var pool = await servers.PoolAsync(server, time);
        var site = PoolServers.SiteKey(server);
        var numbers = PoolServers.Numbers(poolSize);
        await pool.AddNumbersAsync(site, PoolId, numbers);
        string[] retiredForGood = [numbers[3], numbers[7]];
        var retireDone = 0; // 1 once both retires returned: any assign started after that must not hand them out
        var violations = new ConcurrentQueue<string>();
        var held = new ConcurrentDictionary<string, string>();
        var clockDone = 0;
        long opsDone = 0;

        async Task WorkerAsync(int worker)
        {
            var random = new Random(worker);
            // Workers keep going until the clock has made all its jumps (bounded by maxOpsPerWorker).
            for (var i = 0; i < maxOpsPerWorker && Volatile.Read(ref clockDone) == 0; i++)
            {
                var session = $"s{random.Next(sessionCount)}";
                if (random.Next(10) < 7 || !held.TryGetValue(session, out var number))
                {
                    var afterRetire = Volatile.Read(ref retireDone) == 1;
                    var result = await pool.AssignAsync(site, PoolId, session, $"v{random.Next(10)}", Source, Hold);
                    if (result.Lease is { } lease)
                    {
                        held[session] = lease.Number;
                        if (afterRetire && result.Status == LeaseStatus.Assigned && retiredForGood.Contains(lease.Number))
                            violations.Enqueue($"{lease.Number} was retired but assigned to {session}");
                        if (lease.SessionId != session) violations.Enqueue($"{session} got a lease of {lease.SessionId}");
                    }
                }
                else
                {
                    await pool.ReleaseAsync(site, PoolId, number, session);
                    held.TryRemove(session, out _);
                }
                Interlocked.Increment(ref opsDone);
            }
        }

        async Task ClockAsync()
        {
            var random = new Random(42);
            for (var jump = 0; jump < clockJumps; jump++)
            {
                // Let the workers run a batch of operations between two jumps (a condition, not a guessed delay).
                var target = Interlocked.Read(ref opsDone) + opsBetweenJumps;
                while (Interlocked.Read(ref opsDone) < target && Interlocked.Read(ref opsDone) < workers * (long)maxOpsPerWorker)
                    await Task.Delay(1, Ct); // polls the condition above
                time.Advance(TimeSpan.FromMinutes(random.Next(1, 25)));
                if (jump == clockJumps / 3)
                {
                    foreach (var n in retiredForGood) await pool.RetireAsync(site, PoolId, n);
                    Volatile.Write(ref retireDone, 1);
                }
                var snapshot = await pool.SnapshotAsync(site, PoolId);
                foreach (var problem in PoolInvariants.Check(snapshot, time.GetUtcNow().ToUnixTimeMilliseconds()))
                    violations.Enqueue($"jump {jump}: {problem}");
            }
            Volatile.Write(ref clockDone, 1);
        }

        await Task.WhenAll([.. Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w), Ct)), Task.Run(ClockAsync, Ct)]);
        Assert.True(violations.IsEmpty, string.Join("\n", violations.Take(20)));

        var final = await pool.SnapshotAsync(site, PoolId);
        PoolInvariants.AssertHold(final, time.GetUtcNow().ToUnixTimeMilliseconds());

        // Once every lease has run out, every number is free again except the retired ones: none lost, none doubled.
        time.Advance(Hold + TimeSpan.FromMinutes(1));
        await pool.ReclaimAsync(site, PoolId);
        var drained = await pool.SnapshotAsync(site, PoolId);
        PoolInvariants.AssertHold(drained, time.GetUtcNow().ToUnixTimeMilliseconds(), retiredForGood);
        Assert.Empty(drained.LeaseExpiry);
        Assert.Empty(drained.Retired);
        Assert.Equal(numbers.Except(retiredForGood).Order(StringComparer.Ordinal), drained.All.Order(StringComparer.Ordinal));
        Assert.Equal(drained.All.Order(StringComparer.Ordinal), drained.Free.Keys.Order(StringComparer.Ordinal));
    }
}
