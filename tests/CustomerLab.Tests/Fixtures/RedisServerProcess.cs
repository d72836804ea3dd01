using System.Diagnostics;
using StackExchange.Redis;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// A real Debian <c>redis-server</c> on a free loopback port, started by the test and stopped on dispose.
/// A missing binary is a failure with the install hint, never a skip (<c>./test.sh</c> installs it).
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private readonly string[] _extraArgs;
    private Process? _process;

    public RedisServerProcess(int? port = null, params string[] extraArgs)
    {
        Port = port ?? FreePort.Next();
        DataDirectory = RepoPaths.NewTempDirectory("redis");
        _extraArgs = extraArgs;
    }

    public int Port { get; }
    public string DataDirectory { get; }
    public string Url => $"redis://127.0.0.1:{Port}";
    public string Endpoint => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: run ./test.sh, which installs Debian's redis-server.");
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DataDirectory,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", DataDirectory })
            psi.ArgumentList.Add(arg);
        foreach (var arg in _extraArgs) psi.ArgumentList.Add(arg);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}.");
            await using var mux = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { Endpoint }, ConnectTimeout = 500, AbortOnConnectFail = true });
            return mux.IsConnected;
        }, TimeSpan.FromSeconds(15), $"redis-server on {Endpoint}");
    }

    /// <summary>Stops the server with SIGSTOP (a hung server): connections stay open, nothing is answered.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>Lets a paused server run again (SIGCONT); it then answers what was queued.</summary>
    public void Resume() => Signal(SigCont);

    private const int SigCont = 18, SigStop = 19; // Linux x86-64 and arm64

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private void Signal(int signal)
    {
        if (_process is null || _process.HasExited) throw new InvalidOperationException("redis-server is not running.");
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Kills the server (like a crash): clients see the connection drop.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        kill(_process.Id, SigCont); // a paused server must run to die cleanly
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
