using System.Net;
using System.Net.Sockets;

namespace CustomerLab.Edge.Enrichment;

/// <summary>Truncates IP addresses before they are stored: the host bits are zeroed (by default /24 for IPv4, /48 for IPv6).</summary>
internal static class IpAnonymizer
{
    public static string Truncate(IPAddress? address, int ipv4Bits, int ipv6Bits)
    {
        if (address is null) return "";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? ipv4Bits : ipv6Bits;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < length; i++)
        {
            var keep = Math.Clamp(bits - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes).ToString();
    }
}
