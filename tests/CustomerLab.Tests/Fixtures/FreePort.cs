using System.Net;
using System.Net.Sockets;

namespace CustomerLab.Tests.Fixtures;

/// <summary>Loopback ports nobody is listening on, for servers the tests start.</summary>
public static class FreePort
{
    // Never hand out one port twice in a run: servers started in parallel would otherwise race for it.
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
                if (HandedOut.Add(port)) return port;
        }
    }
}
