using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// ClickHouse's RowBinary encoding of the column types the spool's binary records use, written straight into an
/// <see cref="IBufferWriter{T}"/> (a spool frame) and read back from a span: strings (also <c>LowCardinality</c>) as a
/// LEB128 length and UTF-8 bytes, <c>UUID</c> as its two 64-bit halves little-endian, <c>DateTime64(3)</c> as
/// milliseconds since the epoch (Int64 LE), <c>UInt16</c> LE, <c>Bool</c> one byte, <c>Array(T)</c> a LEB128 count
/// then its items (https://clickhouse.com/docs/interfaces/formats/RowBinary).
/// </summary>
internal static class RowBinary
{
    private const int MaxLengthBytes = 5; // LEB128 of a 32-bit length

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = output.GetSpan(MaxLengthBytes + length);
        var at = WriteLength(span, length);
        Encoding.UTF8.GetBytes(value, span[at..]);
        output.Advance(at + length);
    }

    public static void WriteUuid(IBufferWriter<byte> output, Guid value)
    {
        var span = output.GetSpan(16);
        value.TryWriteBytes(span, bigEndian: true, out _);
        span[..8].Reverse();
        span[8..16].Reverse();
        output.Advance(16);
    }

    public static void WriteDateTime64Milliseconds(IBufferWriter<byte> output, DateTime utc)
    {
        var ticks = (utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : utc).Ticks - DateTime.UnixEpoch.Ticks;
        var milliseconds = ticks / TimeSpan.TicksPerMillisecond;
        if (ticks % TimeSpan.TicksPerMillisecond < 0) milliseconds--; // floored, as ClickHouse truncates toward the past
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), milliseconds);
        output.Advance(8);
    }

    public static void WriteUInt16(IBufferWriter<byte> output, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(output.GetSpan(2), value);
        output.Advance(2);
    }

    public static void WriteBool(IBufferWriter<byte> output, bool value)
    {
        output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        output.Advance(1);
    }

    public static void WriteStrings(IBufferWriter<byte> output, string[] values)
    {
        output.Advance(WriteLength(output.GetSpan(MaxLengthBytes), values.Length));
        foreach (var value in values) WriteString(output, value);
    }

    private static int WriteLength(Span<byte> span, int length)
    {
        var value = (uint)length;
        var at = 0;
        for (; value >= 0x80; value >>= 7) span[at++] = (byte)(value | 0x80);
        span[at++] = (byte)value;
        return at;
    }

    /// <summary>Reads what the writers wrote; throws <see cref="FormatException"/> on a row that ends early or is not one.</summary>
    public ref struct Reader(ReadOnlySpan<byte> row)
    {
        private readonly ReadOnlySpan<byte> _row = row;
        private int _at;

        /// <summary>True once every byte of the row was read.</summary>
        public readonly bool AtEnd => _at == _row.Length;

        public string String()
        {
            var length = Length();
            return Encoding.UTF8.GetString(Take(length));
        }

        public Guid Uuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            Take(16).CopyTo(bytes);
            bytes[..8].Reverse();
            bytes[8..].Reverse();
            return new Guid(bytes, bigEndian: true);
        }

        public DateTime DateTime64Milliseconds() =>
            DateTime.UnixEpoch.AddTicks(BinaryPrimitives.ReadInt64LittleEndian(Take(8)) * TimeSpan.TicksPerMillisecond);

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public bool Bool() => Take(1)[0] switch { 0 => false, 1 => true, _ => throw new FormatException("not a Bool") };

        public string[] Strings()
        {
            var count = Length();
            if (count > _row.Length - _at) throw new FormatException("an array longer than the row");
            var values = new string[count];
            for (var i = 0; i < count; i++) values[i] = String();
            return values;
        }

        private int Length()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Take(1)[0];
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80) return value <= int.MaxValue ? (int)value : throw new FormatException("a length over 2 GB");
            }
            throw new FormatException("a length of more than 5 bytes");
        }

        private ReadOnlySpan<byte> Take(int bytes)
        {
            if (bytes > _row.Length - _at) throw new FormatException("the row ends early");
            var span = _row.Slice(_at, bytes);
            _at += bytes;
            return span;
        }
    }
}
