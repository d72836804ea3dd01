namespace CustomerLab.Edge.Redis;

/// <summary>
/// When a due-queue worker tries a failing member again: after <paramref name="first"/>, doubling per failure up to
/// <paramref name="max"/>. Failures are counted per member in this edge only; another edge that claims it starts over.
/// </summary>
internal sealed class DueQueueBackoff(TimeSpan first, TimeSpan max)
{
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Counts a failure of <paramref name="member"/>: how many so far, and how long until it is due again.</summary>
    public (int Failures, TimeSpan Delay) Failed(string member)
    {
        var failures = _failures[member] = _failures.GetValueOrDefault(member) + 1;
        return (failures, TimeSpan.FromTicks(Math.Min(first.Ticks << Math.Min(failures - 1, 20), max.Ticks)));
    }

    public void Succeeded(string member) => _failures.Remove(member);
}
