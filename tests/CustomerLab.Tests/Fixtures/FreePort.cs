using System.Net;
using System.Net.Sockets;

namespace CustomerLab.Tests.Fixtures;

/// <summary>Loopback ports nobody is listening on, for servers the tests start.</summary>
public static class FreePort
{
    // Never hand out one port twice in a run: servers started in parallel would otherwise race for it.
    private static readonly HashSet<int> HandedOut = [];

    // Ports below the kernel's ephemeral range: the source port of an outgoing connection is never one of them. A port
    // from the ephemeral range (what binding port 0 gives) can be taken by any of the run's thousands of client
    // connections between being picked and being bound, or while a test has stopped the server that owns it.
    private static readonly (int First, int Last) Range = BelowEphemeralRange();
    private static int _next = Random.Shared.Next(Range.First, Range.Last + 1);

    public static int Next()
    {
        lock (HandedOut)
        {
            for (var tried = 0; tried <= Range.Last - Range.First; tried++)
            {
                var port = _next;
                _next = port == Range.Last ? Range.First : port + 1;
                if (!HandedOut.Contains(port) && NobodyListensOn(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free loopback port in {Range.First}-{Range.Last}.");
    }

    private static bool NobodyListensOn(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>From 10000 to just below the first ephemeral port (<c>net.ipv4.ip_local_port_range</c>, 32768 by default).</summary>
    private static (int First, int Last) BelowEphemeralRange()
    {
        var firstEphemeral = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            firstEphemeral = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { }
        return (10000, firstEphemeral - 1);
    }
}
