namespace CustomerLab.Edge.Record;

/// <summary>
/// State other than sites that the record keeps and Redis is rebuilt from (report users, deletion follow-ups): each
/// feature restores and reconciles its own keys, so the record does not need to know them.
/// </summary>
public interface IRecordedState
{
    /// <summary>A short name for logs and metrics, e.g. <c>accounts</c>.</summary>
    string Name { get; }

    /// <summary>Puts into Redis what the record holds and Redis lacks; returns how many items it wrote.</summary>
    Task<int> RestoreAsync(CancellationToken cancellationToken);
}
