using System.Net;
using System.Net.Sockets;

namespace CustomerLab.Edge.Security;

/// <summary>
/// The network a client sits in, for limits that one client must not dodge by changing its address: IPv4 /24 and
/// IPv6 /64 (one home, office or mobile customer is usually given a whole /64, so the exact IPv6 address is free to
/// change). An IPv4-mapped IPv6 address counts as IPv4.
/// </summary>
public static class ClientPrefix
{
    /// <summary>The client's prefix as text (e.g. <c>203.0.113.0/24</c>, <c>2001:db8:1:2::/64</c>), or null without a peer address.</summary>
    public static string? Of(HttpContext context) => context.Connection.RemoteIpAddress is { } ip ? Of(ip) : null;

    public static string Of(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var length);
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes[..4]) + "/24";
        }
        bytes[8..length].Clear();
        return new IPAddress(bytes[..16]) + "/64";
    }
}
