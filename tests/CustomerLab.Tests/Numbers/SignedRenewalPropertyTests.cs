using System.Net;
using CsCheck;
using CustomerLab.Edge.Cookies;
using CustomerLab.Edge.Numbers;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerLab.Tests.Numbers;

/// <summary>An edge on a fake clock, for renewals answered from the signed lease cookie.</summary>
public sealed class SignedRenewalEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override string DatabaseName => "signedrenewal";

    protected override TimeProvider? Clock => Time;

    // Every visitor of the test comes from one address and comes back often; the lease caps are not what this is about.
    // A deletion's follow-up (which ends the visitor's later leases too) runs a day later, after a run's operations.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Numbers:LeaseCapPerNetwork"] = "0",
        ["Numbers:LeaseCapPerVisitor"] = "0",
        ["Privacy:FollowUpDelaySeconds"] = "86400",
    };
}

/// <summary>
/// Renewals acknowledged from the signed lease cookie, without Redis (<see cref="SignedRenewals"/>), never let a lease
/// lapse while its visitor is active, and never show a number another session holds, through random visits, clock
/// jumps and deletion requests that end leases behind the browser's back. Every answer is checked against the lease
/// Redis has for that number at that moment.
/// </summary>
[LongRunning]
public sealed class SignedRenewalPropertyTests(SignedRenewalEdgeFixture fixture) : IClassFixture<SignedRenewalEdgeFixture>
{
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(30);
    private const int Sessions = 4, Size = 3;

    public abstract record Op;
    public sealed record VisitOp(int Session) : Op { public override string ToString() => $"visit s{Session}"; }
    public sealed record DeleteOp(int Session) : Op { public override string ToString() => $"deletion request for s{Session}'s visitor"; }
    public sealed record AdvanceOp(int Minutes) : Op { public override string ToString() => $"advance {Minutes} min"; }

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (10, Gen.Int[0, Sessions - 1].Select(s => (Op)new VisitOp(s))),
        (1, Gen.Int[0, Sessions - 1].Select(s => (Op)new DeleteOp(s))),
        (5, Gen.OneOfConst(1, 3, 7, 8, 12, 22, 23, 31).Select(m => (Op)new AdvanceOp(m))));

    private int _acknowledgedFromCookie;

    [Fact]
    public async Task NoLeaseLapsesWhileItsVisitorIsActive_AndNoNumberIsShownToTwoLiveSessions()
    {
        await GenOp.Array[5, 40].SampleAsync(RunAsync, writeLine: TestContext.Current.TestOutputHelper!.WriteLine, iter: 20, threads: 1,
            print: ops => "\n" + string.Join("\n", ops.Select((op, i) => $"  {i,2}: {op}")));
        // The property is about the cookie's answers: the runs must have produced some.
        Assert.True(_acknowledgedFromCookie > 0, "no renewal was answered from the cookie");
        using var http = fixture.Edge.CreateClient();
        var metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var renewals = metrics.Split('\n').Where(l => l.StartsWith("customerlab_number_renewals", StringComparison.Ordinal)).ToList();
        Assert.Contains(renewals, l => l.Contains("answered_by=\"cookie\"", StringComparison.Ordinal));
        Assert.Contains(renewals, l => l.Contains("answered_by=\"redis\"", StringComparison.Ordinal));
    }

    private async Task RunAsync(Op[] ops)
    {
        var edge = fixture.Edge;
        var pools = edge.Services.GetRequiredService<NumberPool>();
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await admin.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(Size), holdMinutes: (int)Hold.TotalMinutes);
        var browsers = Enumerable.Range(0, Sessions).Select(_ => new EdgeClient(edge)).ToArray();
        try
        {
            // What each session was last shown: its number and the lease's expiry; removed when its lease was ended.
            var shown = new Dictionary<int, (string Number, DateTimeOffset ExpiresAt)>();
            var endedBehindTheBrowser = new HashSet<int>();
            for (var step = 0; step < ops.Length; step++)
            {
                var now = fixture.Time.GetUtcNow();
                var where = $"step {step}: {ops[step]}";
                switch (ops[step])
                {
                    case AdvanceOp(var minutes):
                        fixture.Time.Advance(TimeSpan.FromMinutes(minutes));
                        break;
                    case DeleteOp(var s):
                        if (!browsers[s].Cookies.TryGetValue(VisitorCookies.VisitorCookie, out var visitorCookie)) break;
                        var deletion = await admin.AdminAsync(HttpMethod.Post, "/admin/privacy/delete", new { visitorId = visitorCookie[..visitorCookie.LastIndexOf('.')] });
                        Assert.True(deletion.StatusCode == HttpStatusCode.OK, $"{where}: {await deletion.Content.ReadAsStringAsync()}");
                        if (shown.Remove(s)) endedBehindTheBrowser.Add(s);
                        break;
                    case VisitOp(var s):
                    {
                        var answer = await EdgeClient.JsonAsync(await browsers[s].RequestNumberAsync(site, "https://www.example.com/page"));
                        var status = answer.GetProperty("status").GetString();
                        Assert.True(status is "assigned" or "renewed" or "default", $"{where}: {answer}");
                        if (status == "default")
                        {
                            Assert.Equal("pool_exhausted", answer.GetProperty("reason").GetString());
                            shown.Remove(s);
                            break;
                        }
                        var number = answer.GetProperty("number").GetString()!;
                        var expiresAt = answer.GetProperty("expiresAt").GetDateTimeOffset();
                        var previous = shown.TryGetValue(s, out var p) ? p : ((string Number, DateTimeOffset ExpiresAt)?)null;
                        // Still live when the visitor came back: it keeps its number.
                        if (previous is { } live && live.ExpiresAt > now)
                            Assert.True(number == live.Number, $"{where}: s{s} held {live.Number} until {live.ExpiresAt:O} but was shown {number} ({status})");
                        var fromCookie = status == "renewed" && previous is { } before && before.ExpiresAt == expiresAt;
                        if (fromCookie) _acknowledgedFromCookie++;
                        // A lease ended behind the browser's back (a deletion request) is never acknowledged from its cookie.
                        Assert.False(fromCookie && endedBehindTheBrowser.Contains(s), $"{where}: s{s}'s ended lease was acknowledged from its cookie");
                        endedBehindTheBrowser.Remove(s);

                        // What was shown is what Redis has: this session's live lease on that number, with that expiry.
                        var lease = await pools.CurrentLeaseAsync(site, "main", number);
                        var session = browsers[s].Cookies[VisitorCookies.SessionCookie].Split('~')[0];
                        Assert.True(lease is not null && lease.SessionId == session && lease.ExpiresAt == expiresAt && lease.ExpiresAt > now,
                            $"{where}: shown {number} until {expiresAt:O}; Redis has {(lease is null ? "no lease" : $"{lease.SessionId} until {lease.ExpiresAt:O}")} at {now:O}");
                        // No other session was shown that number with a lease still running.
                        var other = shown.FirstOrDefault(e => e.Key != s && e.Value.Number == number && e.Value.ExpiresAt > now);
                        Assert.True(other.Value.Number is null, $"{where}: {number} shown to s{s} while s{other.Key} holds it until {other.Value.ExpiresAt:O}");
                        shown[s] = (number, expiresAt);
                        break;
                    }
                }
            }
        }
        finally
        {
            foreach (var browser in browsers) browser.Dispose();
        }
    }
}
