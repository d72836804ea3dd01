namespace CustomerLab.Edge.ClickHouse.Migrations;

/// <summary>What readiness and writers need to know about the schema: applied, and at which version.</summary>
public sealed class SchemaState
{
    private volatile string? _lastError;
    private long _version = -1;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the schema is migrated, so writers wait for it instead of failing and backing off.</summary>
    public Task WhenReady(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public bool IsReady => Interlocked.Read(ref _version) >= 0;
    public long Version => Interlocked.Read(ref _version);
    public string? LastError => _lastError;

    public void MarkReady(long version)
    {
        _lastError = null;
        Interlocked.Exchange(ref _version, version);
        _ready.TrySetResult();
    }

    public void MarkFailed(string error) => _lastError = error;
}
