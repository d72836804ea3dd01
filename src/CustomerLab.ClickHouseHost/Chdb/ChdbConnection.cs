using System.Runtime.InteropServices;
using System.Text;

namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>
/// One open chDB connection. Not thread-safe: the pool lends it to one request at a time.
/// It remembers its current database and the per-query settings left applied on it, so a
/// request only pays for a <c>USE</c> or <c>SET</c> when it differs from the previous one.
/// </summary>
internal sealed unsafe class ChdbConnection : IDisposable
{
    private const int AppendChunkBytes = 4 * 1024 * 1024; // 4 MiB per chdb_stream_append: bounds the engine-side copy

    private nint _connectionPtr; // chdb_connection* (what chdb_close_conn wants)
    private readonly nint _connection; // *(chdb_connection*) (what the query calls want)

    public ChdbConnection(nint connectionPtr)
    {
        _connectionPtr = connectionPtr;
        _connection = *(nint*)connectionPtr;
    }

    /// <summary>Database selected with <c>USE</c>, or null when unknown (chDB starts in its own, not <c>default</c>).</summary>
    public string? CurrentDatabase { get; set; }

    /// <summary>Per-query settings currently applied on this connection (name to raw value).</summary>
    public Dictionary<string, string> AppliedSettings { get; } = new(StringComparer.Ordinal);

    public ChdbResult Query(ReadOnlySpan<byte> sql, string format)
    {
        Span<byte> fmt = stackalloc byte[Encoding.UTF8.GetMaxByteCount(format.Length)];
        var fmtLen = Encoding.UTF8.GetBytes(format, fmt);
        fixed (byte* q = sql)
        fixed (byte* f = fmt)
        {
            return new ChdbResult(ChdbNative.Query(_connection, q, (nuint)sql.Length, f, (nuint)fmtLen));
        }
    }

    public ChdbResult Query(string sql, string format = "TabSeparated") => Query(Encoding.UTF8.GetBytes(sql), format);

    /// <summary>Runs <paramref name="sql"/> with server-side <c>{name:Type}</c> parameters (ClickHouse's <c>param_*</c>).</summary>
    public ChdbResult QueryWithParams(ReadOnlySpan<byte> sql, string format, List<KeyValuePair<string, string>> parameters)
    {
        var count = parameters.Count;
        var handles = new GCHandle[count * 2];
        var names = stackalloc byte*[count];
        var values = stackalloc byte*[count];
        var nameLens = stackalloc nuint[count];
        var valueLens = stackalloc nuint[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var name = Encoding.UTF8.GetBytes(parameters[i].Key);
                var value = Encoding.UTF8.GetBytes(parameters[i].Value);
                handles[2 * i] = GCHandle.Alloc(name, GCHandleType.Pinned);
                handles[2 * i + 1] = GCHandle.Alloc(value, GCHandleType.Pinned);
                names[i] = (byte*)handles[2 * i].AddrOfPinnedObject();
                values[i] = (byte*)handles[2 * i + 1].AddrOfPinnedObject();
                nameLens[i] = (nuint)name.Length;
                valueLens[i] = (nuint)value.Length;
            }
            var fmt = Encoding.UTF8.GetBytes(format);
            fixed (byte* q = sql)
            fixed (byte* f = fmt)
            {
                return new ChdbResult(ChdbNative.QueryWithParams(_connection, q, (nuint)sql.Length, f, (nuint)fmt.Length,
                    names, nameLens, values, valueLens, (nuint)count));
            }
        }
        finally
        {
            foreach (var h in handles) if (h.IsAllocated) h.Free();
        }
    }

    /// <summary>
    /// Streams <paramref name="data"/> into <paramref name="statement"/> (an INSERT without its FORMAT
    /// clause) in <paramref name="format"/>; binary-safe, the data is never parsed as SQL.
    /// </summary>
    public ChdbResult Insert(ReadOnlySpan<byte> statement, ReadOnlySpan<byte> format, ReadOnlySpan<byte> data)
    {
        nint stream;
        fixed (byte* q = statement)
        fixed (byte* f = format)
        {
            stream = ChdbNative.StreamInsert(_connection, q, (nuint)statement.Length, f, (nuint)format.Length);
        }
        try
        {
            if (StreamError(stream) is { } initError) return ChdbResult.Failed(initError);
            fixed (byte* d = data)
            {
                for (var offset = 0; offset < data.Length; offset += AppendChunkBytes)
                {
                    var len = Math.Min(AppendChunkBytes, data.Length - offset);
                    if (ChdbNative.StreamAppend(stream, d + offset, (nuint)len) != 0)
                    {
                        return ChdbResult.Failed(StreamError(stream) ?? "Code: 1002. DB::Exception: Insert stream failed. (UNKNOWN_EXCEPTION)");
                    }
                }
            }
            return new ChdbResult(ChdbNative.StreamDone(stream));
        }
        finally
        {
            ChdbNative.DestroyInsertStream(stream);
        }
    }

    private static string? StreamError(nint stream)
    {
        var p = ChdbNative.StreamInsertError(stream);
        var s = p == 0 ? null : Marshal.PtrToStringUTF8(p);
        return string.IsNullOrEmpty(s) ? null : s;
    }

    public void Dispose()
    {
        var ptr = Interlocked.Exchange(ref _connectionPtr, 0);
        if (ptr != 0) ChdbNative.CloseConnection(ptr);
    }
}
