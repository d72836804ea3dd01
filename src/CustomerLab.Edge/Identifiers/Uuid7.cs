using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CustomerLab.Edge.Identifiers;

/// <summary>
/// Version 7 UUIDs (RFC 9562: a 48-bit Unix millisecond timestamp, then 74 random bits), as
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them, for lease and event ids. The random bits come from
/// the in-process CSPRNG (<see cref="RandomNumberGenerator"/>), drawn a kilobyte at a time per thread.
/// <c>Guid.CreateVersion7</c> reads <c>/dev/urandom</c> for every id, and OpenSSL's generator asks the kernel for the
/// process id on every call (fork detection): a system call per lease and per event either way, and system calls are
/// what the edge's hot paths spend most on (half of its CPU on the load test machine is the kernel's).
/// </summary>
internal static class Uuid7
{
    private const int RandomBytesPerId = 10, BufferBytes = 100 * RandomBytesPerId;

    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_left;

    public static Guid Create(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        TakeRandom().CopyTo(bytes[6..]);
        // Big-endian layout of RFC 9562: unix_ts_ms (48 bits) | ver (4) | rand_a (12) | var (2) | rand_b (62).
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(milliseconds >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)milliseconds);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Ten random bytes no other id gets: each slice of the buffer is handed out once, then it is refilled.</summary>
    private static ReadOnlySpan<byte> TakeRandom()
    {
        var buffer = t_random ??= new byte[BufferBytes];
        if (t_left < RandomBytesPerId)
        {
            RandomNumberGenerator.Fill(buffer);
            t_left = BufferBytes;
        }
        t_left -= RandomBytesPerId;
        return buffer.AsSpan(t_left, RandomBytesPerId);
    }
}
