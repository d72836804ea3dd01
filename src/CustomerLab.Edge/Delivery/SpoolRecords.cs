using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The spool's records: each a row as one line of JSONEachRow with the table's column names (written by the
/// table's own source-generated JSON context), framed as <c>[length:int32 LE][crc32:uint32 LE][payload]</c>.
/// </summary>
internal static class SpoolRecords
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The framed records of <paramref name="rows"/> in one new buffer, each one JSONEachRow line written by
    /// <paramref name="typeInfo"/>. The JSON is written once, into a buffer this thread reuses, and copied once into
    /// the frame the spool keeps until the write completes.
    /// </summary>
    public static byte[] Frame<T>(ReadOnlySpan<T> rows, JsonTypeInfo<T> typeInfo)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        Span<int> ends = rows.Length <= 64 ? stackalloc int[rows.Length] : new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, rows[i], typeInfo);
            ends[i] = buffer.WrittenCount;
        }
        var json = buffer.WrittenSpan;
        var framed = new byte[json.Length + rows.Length * Spool.HeaderBytes];
        int from = 0, at = 0;
        foreach (var end in ends)
        {
            var payload = json[from..end];
            BinaryPrimitives.WriteInt32LittleEndian(framed.AsSpan(at), payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(at + 4), Crc32.HashToUInt32(payload));
            payload.CopyTo(framed.AsSpan(at + Spool.HeaderBytes));
            at += Spool.HeaderBytes + payload.Length;
            from = end;
        }
        if (buffer.Capacity > 1 << 20) t_buffer = null; // one huge request does not pin a megabyte per thread
        return framed;
    }
}
