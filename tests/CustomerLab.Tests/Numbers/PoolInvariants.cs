using CustomerLab.Edge.Numbers;

namespace CustomerLab.Tests.Numbers;

/// <summary>The pool invariants of DESIGN.md §4, checked on one snapshot. Each failure says which and shows the state.</summary>
public static class PoolInvariants
{
    /// <summary>
    /// All = Free ∪ Leased and Free ∩ Leased = ∅; every lease has exactly one holder; a session holds at most one
    /// live number (expiry &gt; <paramref name="nowMs"/>); retiring numbers are leased members of All and never free;
    /// <paramref name="gone"/> (numbers retired and not re-added) are nowhere.
    /// </summary>
    public static void AssertHold(PoolSnapshot snapshot, long nowMs, IEnumerable<string>? gone = null, string context = "")
    {
        var problems = Check(snapshot, nowMs, gone);
        if (problems.Count > 0)
            Assert.Fail($"Pool invariants broken{(context.Length > 0 ? $" ({context})" : "")}:\n  " +
                        string.Join("\n  ", problems) + "\n" + Describe(snapshot, nowMs));
    }

    public static List<string> Check(PoolSnapshot s, long nowMs, IEnumerable<string>? gone = null)
    {
        var problems = new List<string>();
        var free = s.Free.Keys.ToHashSet();
        var leased = s.LeaseExpiry.Keys.ToHashSet();

        if (free.Overlaps(leased))
            problems.Add($"free ∩ leased = {{{string.Join(", ", free.Intersect(leased))}}}, expected ∅");
        var union = free.Union(leased).ToHashSet();
        if (!union.SetEquals(s.All))
            problems.Add($"all ≠ free ∪ leased: only in all {{{string.Join(", ", s.All.Except(union))}}}, " +
                         $"only in free/leased {{{string.Join(", ", union.Except(s.All))}}}");
        if (!s.Holders.Keys.ToHashSet().SetEquals(leased))
            problems.Add($"holder keys {{{string.Join(", ", s.Holders.Keys)}}} ≠ leased {{{string.Join(", ", leased)}}}");

        foreach (var group in s.LeaseExpiry.Where(l => l.Value > nowMs && s.Holders.ContainsKey(l.Key))
                     .GroupBy(l => s.Holders[l.Key]).Where(g => g.Count() > 1))
            problems.Add($"session {group.Key} holds {group.Count()} live numbers: {string.Join(", ", group.Select(g => g.Key))}");

        foreach (var n in s.Retired)
        {
            if (!leased.Contains(n)) problems.Add($"retiring {n} is not leased (it should have gone when its lease ended)");
            if (!s.All.Contains(n)) problems.Add($"retiring {n} is not in all");
        }
        if (gone is not null)
            foreach (var n in gone)
                if (s.All.Contains(n) || free.Contains(n) || leased.Contains(n))
                    problems.Add($"retired {n} is still in the pool");
        return problems;
    }

    public static string Describe(PoolSnapshot s, long nowMs) =>
        $"  now     {nowMs}\n" +
        $"  all     {{{string.Join(", ", s.All.Order(StringComparer.Ordinal))}}}\n" +
        $"  free    {{{string.Join(", ", s.Free.OrderBy(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}@{f.Value}"))}}}\n" +
        $"  leases  {{{string.Join(", ", s.LeaseExpiry.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}→{s.Holders.GetValueOrDefault(l.Key, "?")} until {l.Value}"))}}}\n" +
        $"  retired {{{string.Join(", ", s.Retired.Order(StringComparer.Ordinal))}}}";
}
