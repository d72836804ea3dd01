using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// Debian's Kamailio running the project's <c>telephony/kamailio/kamailio.cfg</c> on a free loopback port (UDP and
/// TCP), pointed at an edge. A missing binary is a failure with the install hint, never a skip.
/// </summary>
public sealed class KamailioProcess : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/kamailio";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private KamailioProcess(Process process, int port)
    {
        (_process, Port) = (process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The configuration file the tests run, as operators run it.</summary>
    public static string ConfigPath { get; } = Path.Combine(RepoPaths.Root, "telephony", "kamailio", "kamailio.cfg");

    /// <summary>The last lines Kamailio logged, for failure messages.</summary>
    public string Output => string.Join('\n', _output.TakeLast(60));

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _output;

    private const int EdgeTimeoutSeconds = 10;

    /// <summary>Starts Kamailio and waits until it answers SIP OPTIONS.</summary>
    public static async Task<KamailioProcess> StartAsync(string edgeUrl, string secret, string defaultRoute = "", int children = 4)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: run ./test.sh, which installs Debian's kamailio.");
        var port = FreePort.Next();
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.NewTempDirectory("kamailio"),
        };
        foreach (var arg in new[]
        {
            "-f", ConfigPath, "-DD", "-E", "-m", "64", "-M", "8",
            "-l", $"udp:127.0.0.1:{port}", "-l", $"tcp:127.0.0.1:{port}",
            "-A", $"EDGE_URL=\"{edgeUrl}\"", "-A", $"EDGE_SECRET=\"{secret}\"", "-A", $"DEFAULT_ROUTE=\"{defaultRoute}\"",
            "-A", $"CHILDREN={children}",
            // The edge under test shares two busy cores with the rest of the suite; 1 s can pass without a slow answer
            // being a hung edge.
            "-A", $"EDGE_TIMEOUT={EdgeTimeoutSeconds}",
        })
            psi.ArgumentList.Add(arg);
        var kamailio = new KamailioProcess(Process.Start(psi)!, port);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (kamailio._process.HasExited) throw new InvalidOperationException($"kamailio exited with {kamailio._process.ExitCode}.");
                return await kamailio.AnswersOptionsAsync();
            }, TimeSpan.FromSeconds(30), $"kamailio on udp:127.0.0.1:{port}", () => kamailio.Output);
        }
        catch
        {
            await kamailio.DisposeAsync();
            throw;
        }
        return kamailio;
    }

    /// <summary>Sends one SIP OPTIONS over UDP and reports whether a 200 came back within half a second.</summary>
    public async Task<bool> AnswersOptionsAsync()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var callId = Guid.NewGuid().ToString("N");
        var request = $"OPTIONS sip:ping@127.0.0.1:{Port} SIP/2.0\r\n" +
                      $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK{callId[..16]}\r\n" +
                      "Max-Forwards: 70\r\n" +
                      $"From: <sip:probe@127.0.0.1:{local.Port}>;tag={callId[..8]}\r\n" +
                      $"To: <sip:ping@127.0.0.1:{Port}>\r\n" +
                      $"Call-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(request);
        await udp.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, Port));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            var reply = await udp.ReceiveAsync(cts.Token);
            return Encoding.ASCII.GetString(reply.Buffer).StartsWith("SIP/2.0 200", StringComparison.Ordinal);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
