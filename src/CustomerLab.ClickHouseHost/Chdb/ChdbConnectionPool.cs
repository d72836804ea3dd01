using System.Collections.Concurrent;

namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>
/// A fixed set of chDB connections, each lent to one request at a time. Requests wait for a free
/// one up to a bound; the caller turns a timeout into TOO_MANY_SIMULTANEOUS_QUERIES like a busy server.
/// </summary>
internal sealed class ChdbConnectionPool : IDisposable
{
    private readonly ConcurrentQueue<ChdbConnection> _idle = new();
    private readonly SemaphoreSlim _available;
    private readonly ChdbConnection[] _all;

    public ChdbConnectionPool(string dataPath, int size)
    {
        _all = new ChdbConnection[size];
        for (var i = 0; i < size; i++)
        {
            _all[i] = ChdbEngine.Connect(dataPath);
            _idle.Enqueue(_all[i]);
        }
        _available = new SemaphoreSlim(size, size);
    }

    public int Size => _all.Length;

    /// <summary>Borrows a connection, or returns null when none frees up within <paramref name="timeout"/>.</summary>
    public ValueTask<ChdbConnection?> RentAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Fast path: a free connection, no allocation of a wait task.
        if (_available.Wait(0)) return new(Take());
        return RentSlowAsync(timeout, cancellationToken);
    }

    private async ValueTask<ChdbConnection?> RentSlowAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _available.WaitAsync(timeout, cancellationToken).ConfigureAwait(false) ? Take() : null;

    private ChdbConnection Take() =>
        _idle.TryDequeue(out var connection) ? connection : throw new InvalidOperationException("Pool accounting is broken");

    public void Return(ChdbConnection connection)
    {
        _idle.Enqueue(connection);
        _available.Release();
    }

    /// <summary>Closes every connection; the last close stops the engine and flushes its data.</summary>
    public void Dispose()
    {
        foreach (var connection in _all) connection.Dispose();
        _available.Dispose();
    }
}
