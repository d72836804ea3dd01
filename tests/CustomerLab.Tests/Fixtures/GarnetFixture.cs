using Garnet;

namespace CustomerLab.Tests.Fixtures;

/// <summary>One shared in-process Garnet server (Lua enabled, no persistence) on a free loopback port.</summary>
public sealed class GarnetFixture : IAsyncLifetime
{
    private GarnetServer? _server;

    public int Port { get; } = FreePort.Next();
    public string Url => $"redis://127.0.0.1:{Port}";
    public string Endpoint => $"127.0.0.1:{Port}";

    public ValueTask InitializeAsync()
    {
        // -q (quiet): no banner in the test runner's console output.
        _server = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(), "--lua", "-q"], null, false, null);
        _server.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }
}
