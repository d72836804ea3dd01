using CustomerLab.Edge.Numbers;

namespace CustomerLab.Tests.Numbers;

/// <summary>
/// A plain in-memory model of one pool, written from the contract in NumberPoolScripts' comments (not from its
/// code): lazy reclaim of leases whose expiry ≤ now, heartbeat renewal, stickiness, least recently released first
/// (score, then number in ordinal order, as a Redis sorted set orders ties), exhaustion, release by the holder
/// only, retirement and re-adding. The property test runs the same operations on a server and on this model.
/// </summary>
public sealed class PoolModel(long holdMs)
{
    public Dictionary<string, double> Free { get; } = [];
    public Dictionary<string, (string Session, long Expiry)> Leases { get; } = [];
    public HashSet<string> Retired { get; } = [];
    public HashSet<string> All { get; } = [];
    /// <summary>The session → number map the script keeps per session (its TTL is real time; tests use long holds).</summary>
    public Dictionary<string, string> SessionNumber { get; } = [];
    public Dictionary<string, string> VisitorNumber { get; } = [];
    /// <summary>Numbers retired and gone, not re-added since: never to be handed out.</summary>
    public HashSet<string> Gone { get; } = [];

    public (LeaseStatus Status, string? Number, bool Sticky, List<string> Expired) Assign(string session, string visitor, long now)
    {
        var expired = Reclaim(now);
        if (SessionNumber.TryGetValue(session, out var held) && Leases.TryGetValue(held, out var lease) && lease.Session == session)
        {
            Leases[held] = (session, now + holdMs);
            return (LeaseStatus.Renewed, held, false, expired);
        }

        string? number;
        var sticky = false;
        if (VisitorNumber.TryGetValue(visitor, out var previous) && Free.ContainsKey(previous))
            (number, sticky) = (previous, true);
        else
            number = Free.OrderBy(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key).FirstOrDefault();
        if (number is null) return (LeaseStatus.Exhausted, null, false, expired);

        Free.Remove(number);
        Leases[number] = (session, now + holdMs);
        SessionNumber[session] = number;
        VisitorNumber[visitor] = number;
        return (LeaseStatus.Assigned, number, sticky, expired);
    }

    /// <summary>Ends leases with expiry ≤ now, in expiry order; a retiring number leaves the pool.</summary>
    public List<string> Reclaim(long now)
    {
        var ended = Leases.Where(l => l.Value.Expiry <= now)
            .OrderBy(l => l.Value.Expiry).ThenBy(l => l.Key, StringComparer.Ordinal).ToList();
        foreach (var (number, lease) in ended)
        {
            Leases.Remove(number);
            EndLease(number, lease.Expiry);
        }
        return [.. ended.Select(e => e.Key)];
    }

    public bool Release(string number, string session, long now)
    {
        if (!Leases.TryGetValue(number, out var lease) || lease.Session != session) return false;
        Leases.Remove(number);
        EndLease(number, now);
        if (SessionNumber.GetValueOrDefault(session) == number) SessionNumber.Remove(session);
        return true;
    }

    public RetireOutcome Retire(string number)
    {
        if (!All.Contains(number)) return RetireOutcome.Unknown;
        if (Leases.ContainsKey(number))
        {
            Retired.Add(number);
            return RetireOutcome.Retiring;
        }
        Free.Remove(number);
        All.Remove(number);
        Gone.Add(number);
        return RetireOutcome.Removed;
    }

    public int Add(IEnumerable<string> numbers)
    {
        var added = 0;
        foreach (var n in numbers)
        {
            if (Retired.Remove(n)) continue;
            if (!All.Add(n)) continue;
            Free[n] = 0;
            Gone.Remove(n);
            added++;
        }
        return added;
    }

    private void EndLease(string number, double endedAt)
    {
        if (Retired.Remove(number))
        {
            All.Remove(number);
            Gone.Add(number);
        }
        else
        {
            Free[number] = endedAt;
        }
    }

    /// <summary>Differences between the server's snapshot and this model, empty when they agree.</summary>
    public List<string> Diff(PoolSnapshot s)
    {
        var diffs = new List<string>();
        void SetDiff(string what, IEnumerable<string> actual, IEnumerable<string> expected)
        {
            var a = actual.ToHashSet();
            var e = expected.ToHashSet();
            if (!a.SetEquals(e))
                diffs.Add($"{what}: server {{{string.Join(", ", a.Order(StringComparer.Ordinal))}}}, model {{{string.Join(", ", e.Order(StringComparer.Ordinal))}}}");
        }
        SetDiff("all", s.All, All);
        SetDiff("free", s.Free.Select(f => $"{f.Key}@{f.Value}"), Free.Select(f => $"{f.Key}@{f.Value}"));
        SetDiff("leases", s.LeaseExpiry.Select(l => $"{l.Key}→{s.Holders.GetValueOrDefault(l.Key, "?")}@{l.Value}"),
            Leases.Select(l => $"{l.Key}→{l.Value.Session}@{l.Value.Expiry}"));
        SetDiff("retired", s.Retired, Retired);
        return diffs;
    }
}
