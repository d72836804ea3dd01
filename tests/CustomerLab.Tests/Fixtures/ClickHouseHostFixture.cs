using System.Collections.Concurrent;
using System.Diagnostics;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using CustomerLab.Tests.Fixtures;

// One real ClickHouse host for the whole run; tests keep apart by database.
[assembly: AssemblyFixture(typeof(ClickHouseHostFixture))]

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// Runs the real local ClickHouse host (src/CustomerLab.ClickHouseHost, chDB inside) as a child
/// process on a free loopback port with a fresh data directory. Shared by the whole assembly
/// (assembly fixture); tests that restart a host create their own instance and dispose it.
/// A missing libchdb.so fails start-up with a clear message; it is never a skip.
/// </summary>
public sealed class ClickHouseHostFixture : IAsyncLifetime
{
    private const string LibraryRelativePath = "deps/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public ClickHouseHostFixture()
    {
        Port = FreePort.Next();
        DataPath = Path.Combine(Path.GetTempPath(), "customerlab-tests", $"clickhouse-{Guid.NewGuid():N}");
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Loopback port the host listens on (kept across <see cref="StopAsync"/>/<see cref="StartAsync"/>).</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{Port}</c>, no trailing slash.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The host's data directory (fresh per fixture, kept across restarts, deleted on dispose).</summary>
    public string DataPath { get; }

    /// <summary>User and password the host is configured with.</summary>
    public const string User = "default", Password = "";

    /// <summary>ClickHouse.Driver connection string for the <c>default</c> database.</summary>
    public string ConnectionString => ConnectionStringFor("default");

    /// <summary>An <see cref="HttpClient"/> with <see cref="BaseUrl"/> as base address, for curl-style requests (add credentials yourself).</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Extra environment for the host process, applied on the next <see cref="StartAsync"/>
    /// (e.g. <c>["ClickHouseHost__PoolSize"] = "1"</c>) for tests that run their own instance.
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>Exit code of the last stopped host process (0 after a clean SIGTERM shutdown).</summary>
    public int? LastExitCode { get; private set; }

    /// <summary>Recent stdout/stderr lines of the host, for assertions and failure messages.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>ClickHouse.Driver connection string for <paramref name="database"/>.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Protocol=http;Username={User};Password={Password};Database={database}";

    /// <summary>A thread-safe ClickHouse.Driver client (1.5.0 API) for <paramref name="database"/>; dispose it.</summary>
    public ClickHouseClient CreateClient(string database = "default") => new(ConnectionStringFor(database));

    /// <summary>An ADO.NET connection (not yet opened) for <paramref name="database"/>; dispose it.</summary>
    public ClickHouseConnection CreateConnection(string database = "default") => new(ConnectionStringFor(database));

    /// <summary>Creates a database named after the caller (unique per call) and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        using var client = CreateClient();
        await client.ExecuteNonQueryAsync($"CREATE DATABASE `{name}`");
        return name;
    }

    public ValueTask InitializeAsync() => new(StartAsync());

    /// <summary>Starts the host (again) and waits until <c>/ping</c> answers.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The ClickHouse host is already running.");
        var library = FindLibrary() ?? throw new InvalidOperationException(
            $"libchdb.so is missing: no {LibraryRelativePath} above {AppContext.BaseDirectory}. Run 'npm ci --prefix deps' in the repository root.");
        var dll = Path.Combine(AppContext.BaseDirectory, "CustomerLab.ClickHouseHost.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Host assembly not found: {dll}");
        Directory.CreateDirectory(DataPath);

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataPath,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(BaseUrl);
        info.Environment["ClickHouseHost__DataPath"] = DataPath;
        info.Environment["ClickHouseHost__LibraryPath"] = library;
        info.Environment["ClickHouseHost__User"] = User;
        info.Environment["ClickHouseHost__Password"] = Password;
        info.Environment["ClickHouseHost__EnableSelfCheck"] = "true";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__CustomerLab"] = "Information";
        foreach (var (key, value) in Environment) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"ClickHouse host exited with code {process.ExitCode} during start-up:\n{string.Join('\n', _output)}");
            }
            try
            {
                using var ping = await Http.GetAsync("/ping");
                if (ping.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"ClickHouse host did not answer /ping within {StartTimeout.TotalSeconds} s:\n{string.Join('\n', _output)}");
    }

    /// <summary>SIGSTOP: a hung host. Connections stay open and requests wait, unread, in their sockets.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONT: the paused host runs again and reads what waited.</summary>
    public void Resume() => Signal(SigCont);

    /// <summary>
    /// True when a connection to the host holds bytes the host has not read (the receive queue of a socket on its port,
    /// from <c>/proc/net/tcp</c>): a request is in flight, which a paused host shows until it runs again.
    /// </summary>
    public bool HasUnreadRequest()
    {
        var port = $":{Port:X4}";
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // sl, local_address, rem_address, st, tx_queue:rx_queue, …; st 01 = ESTABLISHED
            if (fields.Length > 4 && fields[1].EndsWith(port, StringComparison.Ordinal) && fields[3] == "01" &&
                Convert.ToInt64(fields[4].Split(':')[1], 16) > 0)
                return true;
        }
        return false;
    }

    private const int SigCont = 18, SigStop = 19; // Linux x86-64 and arm64

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private void Signal(int signal)
    {
        if (_process is null || _process.HasExited) throw new InvalidOperationException("The ClickHouse host is not running.");
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Stops the host with SIGTERM (a clean shutdown) and waits for it; kills it after 30 s.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        await SendTermAsync(process.Id); // the host closes its engine connections and exits 0
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        LastExitCode = process.ExitCode;
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Http.Dispose();
            try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private void Record(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 500) _output.TryDequeue(out _);
    }

    private static string? FindLibrary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, LibraryRelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>SIGTERM through kill(1): the test project does not compile unsafe code for a P/Invoke.</summary>
    private static async Task SendTermAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }
}
