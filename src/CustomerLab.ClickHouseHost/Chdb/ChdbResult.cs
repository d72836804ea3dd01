using System.Buffers;
using System.Runtime.InteropServices;

namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>
/// Owns one native <c>chdb_result</c>. Exposes its buffer as <see cref="Memory{T}"/> without
/// copying (a <see cref="MemoryManager{T}"/> over native memory), so the response can be written
/// straight from the engine's buffer; disposing frees the native result.
/// </summary>
internal sealed unsafe class ChdbResult : MemoryManager<byte>
{
    private nint _handle;
    private readonly byte* _buffer;
    private readonly int _length;

    public ChdbResult(nint handle)
    {
        _handle = handle;
        var error = ChdbNative.ResultError(handle);
        if (error != 0)
        {
            Error = Marshal.PtrToStringUTF8(error);
            if (string.IsNullOrEmpty(Error)) Error = null;
        }
        if (Error is null)
        {
            _buffer = ChdbNative.ResultBuffer(handle);
            var length = ChdbNative.ResultLength(handle);
            // A single response above 2 GiB is not served; the engine would need streaming for that.
            _length = _buffer == null ? 0 : checked((int)length);
            Stats = new QueryStats(
                ChdbNative.StorageRowsRead(handle), ChdbNative.StorageBytesRead(handle),
                ChdbNative.RowsWritten(handle), ChdbNative.BytesWritten(handle),
                ChdbNative.ResultRows(handle), ChdbNative.ResultBytes(handle),
                ChdbNative.ResultElapsed(handle));
        }
    }

    private ChdbResult(string error) => Error = error;

    /// <summary>A failed result that never reached the engine's result object (e.g. insert stream set-up).</summary>
    public static ChdbResult Failed(string error) => new(error);

    /// <summary>The engine's message (<c>Code: N. DB::Exception: ...</c>), or null on success.</summary>
    public string? Error { get; }

    public QueryStats Stats { get; }

    public int Length => _length;

    public override Span<byte> GetSpan() => new(_buffer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_buffer + elementIndex);

    public override void Unpin() { }

    /// <summary>Frees the native result; the memory must not be used afterwards.</summary>
    public void Dispose() => ((IDisposable)this).Dispose();

    protected override void Dispose(bool disposing)
    {
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0) ChdbNative.DestroyResult(handle);
    }
}

/// <summary>Counters of one query, as ClickHouse reports them in <c>X-ClickHouse-Summary</c>.</summary>
internal readonly record struct QueryStats(
    ulong ReadRows, ulong ReadBytes, ulong WrittenRows, ulong WrittenBytes,
    ulong ResultRows, ulong ResultBytes, double ElapsedSeconds);
