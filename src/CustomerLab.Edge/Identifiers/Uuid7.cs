using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CustomerLab.Edge.Identifiers;

/// <summary>
/// Version 7 UUIDs (RFC 9562: a 48-bit Unix millisecond timestamp, then 74 random bits), as
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them, with the random bits from the in-process CSPRNG
/// (<see cref="RandomNumberGenerator"/>, OpenSSL's DRBG on Linux). <c>Guid.CreateVersion7</c> reads them from
/// <c>/dev/urandom</c>: a system call for every lease and every event, and system calls are what the edge's hot paths
/// spend most on (half of its CPU on the load test machine is the kernel's).
/// </summary>
internal static class Uuid7
{
    public static Guid Create(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[6..]);
        // Big-endian layout of RFC 9562: unix_ts_ms (48 bits) | ver (4) | rand_a (12) | var (2) | rand_b (62).
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(milliseconds >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)milliseconds);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
