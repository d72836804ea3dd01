using System.Collections.Concurrent;
using System.Diagnostics;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Delivery;

/// <summary>The built edge as its own process, with a spool directory the test controls, so it can be SIGKILLed.</summary>
internal sealed class EdgeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private EdgeProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _output.TakeLast(40));

    public static async Task<EdgeProcess> StartAsync(string redisUrl, string clickHouseUrl, string database, string spool, int flushMs)
    {
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = spool, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(EdgeBinary.Directory, "CustomerLab.Edge.dll"));
        foreach (var arg in new[]
        {
            "--contentRoot", EdgeBinary.Directory, "--urls", $"http://127.0.0.1:{port}",
            $"--Redis:Url={redisUrl}", $"--ClickHouse:Url={clickHouseUrl}", $"--ClickHouse:Database={database}",
            $"--Cookies:SigningKey={EdgeApplication.CookieSigningKey}", "--Cookies:Secure=false",
            $"--Admin:ApiKeySha256:0={TestSites.Sha256Hex(EdgeApplication.AdminKey)}",
            $"--Delivery:SpoolPath={spool}", "--Events:ClientIpHeader=X-Forwarded-For", $"--Delivery:FlushIntervalMs={flushMs}",
            "--Logging:Console:FormatterName=simple",
            // As in EdgeApplication: on two shared cores a 40 ms Redis bound turns slow moments into default numbers.
            "--Numbers:RedisTimeoutMs=2000", "--Redis:CommandTimeoutMs=5000",
        })
            psi.ArgumentList.Add(arg);
        var edge = new EdgeProcess(Process.Start(psi)!, port);
        try
        {
            await Poll.UntilReadyAsync(edge.Http, "the edge process", () => edge.Output);
        }
        catch
        {
            edge.Dispose();
            throw;
        }
        return edge;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        Http.Dispose();
    }

    /// <summary>True once a segment of the spool in <paramref name="directory"/> holds a record mentioning <paramref name="text"/>.</summary>
    public static bool SpoolHolds(string directory, string text)
    {
        if (!Directory.Exists(directory)) return false;
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        foreach (var segment in Directory.EnumerateFiles(directory, "*.seg"))
        {
            try
            {
                using var file = new FileStream(segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                file.CopyTo(copy);
                if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0) return true;
            }
            catch (IOException) { } // rolled or deleted meanwhile: look again on the next poll
        }
        return false;
    }
}
