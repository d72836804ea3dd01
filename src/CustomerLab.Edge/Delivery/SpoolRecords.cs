using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The spool's records, framed as <c>[length:int32 LE][crc32:uint32 LE][payload]</c>. A payload is a row as one line of
/// JSONEachRow with the table's column names (written by the table's own source-generated JSON context), or, for a
/// table that ships RowBinary (<see cref="ShipTarget.Format"/>), whatever its own writer puts there.
/// </summary>
internal static class SpoolRecords
{
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The framed records of <paramref name="rows"/>, each one JSONEachRow line written by <paramref name="typeInfo"/>
    /// straight into its frame: one pass, in a buffer from the pool that the spool returns once it has written it.
    /// </summary>
    public static FramedRecords Frame<T>(ReadOnlySpan<T> rows, JsonTypeInfo<T> typeInfo) =>
        Frame(rows, typeInfo, static (row, output, typeInfo) =>
        {
            var writer = t_writer ??= new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
            writer.Reset(output);
            JsonSerializer.Serialize(writer, row, typeInfo);
        });

    /// <summary>
    /// The framed records of <paramref name="rows"/>, each payload written by <paramref name="write"/> straight into its
    /// frame (a header's room left before it and filled in after it).
    /// </summary>
    public static FramedRecords Frame<T, TState>(ReadOnlySpan<T> rows, TState state, Action<T, IBufferWriter<byte>, TState> write)
    {
        var framed = new FramedRecords();
        foreach (var row in rows)
        {
            var start = framed.Reserve(Spool.HeaderBytes);
            write(row, framed, state);
            framed.Seal(start);
        }
        return framed;
    }
}

/// <summary>
/// Framed spool records in one buffer rented from <see cref="ArrayPool{T}.Shared"/>, written once by
/// <see cref="SpoolRecords.Frame"/>; <see cref="Spool.AppendAsync(FramedRecords, int)"/> owns it from then on and returns it.
/// </summary>
internal sealed class FramedRecords : IBufferWriter<byte>, IDisposable
{
    private const int FirstBytes = 8192; // Utf8JsonWriter asks for 4 KB at a time; one pageview is about 1 KB of JSON
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(FirstBytes);
    private int _length;

    /// <summary>Bytes of framed records.</summary>
    public int Length => _length;

    /// <summary>The framed records.</summary>
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, _length);

    /// <summary>The framed records from <paramref name="start"/> on.</summary>
    public ReadOnlySpan<byte> AsSpan(int start) => Buffer.AsSpan(start, _length - start);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(FramedRecords));

    /// <summary>Leaves room for a record's header; returns where it starts.</summary>
    internal int Reserve(int bytes)
    {
        GetSpan(bytes);
        var start = _length;
        _length += bytes;
        return start;
    }

    /// <summary>Fills in the header at <paramref name="start"/> for the payload written after it.</summary>
    internal void Seal(int start)
    {
        var payload = Buffer.AsSpan(start + Spool.HeaderBytes, _length - start - Spool.HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(Buffer.AsSpan(start), payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(Buffer.AsSpan(start + 4), Crc32.HashToUInt32(payload));
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(sizeHint);
        return Buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(sizeHint);
        return Buffer.AsSpan(_length);
    }

    private void Grow(int sizeHint)
    {
        var buffer = Buffer;
        var needed = _length + Math.Max(sizeHint, 256);
        if (needed <= buffer.Length) return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        _buffer = larger;
    }

    /// <summary>Returns the buffer to the pool; the records must not be read afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
