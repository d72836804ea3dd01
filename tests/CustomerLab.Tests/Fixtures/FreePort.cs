using System.Net;
using System.Net.Sockets;

namespace CustomerLab.Tests.Fixtures;

/// <summary>Loopback ports nobody is listening on, for servers the tests start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
