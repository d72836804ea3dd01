using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace CustomerLab.LoadTest;

/// <summary>A child process the tool started: its log goes to a file; it can be signalled, sampled and stopped.</summary>
internal sealed class ManagedProcess
{
    private static readonly List<ManagedProcess> All = [];
    private readonly StreamWriter _log;
    private long _lastTicks;
    private DateTime _lastSample;

    public string Name { get; }
    public Process Process { get; }
    public int Pid => Process.Id;

    private ManagedProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        Process = process;
        _log = log;
        _lastSample = DateTime.UtcNow;
        _lastTicks = ReadCpuTicks();
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    public static ManagedProcess Start(string name, string file, IEnumerable<string> args, string logDirectory,
        string? pidFile, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = logDirectory,
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: true) { AutoFlush = true };
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var writer = TextWriter.Synchronized(log);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // The run script kills whatever is listed here if the tool itself dies.
        if (pidFile is not null) File.AppendAllText(pidFile, process.Id + "\n");
        var managed = new ManagedProcess(name, process, log);
        lock (All) All.Add(managed);
        return managed;
    }

    public void Signal(int signal) { if (!Process.HasExited) SysKill(Process.Id, signal); }

    /// <summary>SIGKILL, then reap.</summary>
    public async Task KillAsync()
    {
        Signal(9);
        await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>SIGTERM, then SIGKILL after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (Process.HasExited) return;
        Signal(15);
        try { await Process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException) { await KillAsync(); }
    }

    public static void KillAll()
    {
        lock (All)
            foreach (var p in All)
                try { if (!p.Process.HasExited) p.Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    /// <summary>The process and its live children (nginx's master does no work; its workers do).</summary>
    private IEnumerable<int> Pids()
    {
        yield return Process.Id;
        string children;
        try { children = File.ReadAllText($"/proc/{Process.Id}/task/{Process.Id}/children"); }
        catch (IOException) { yield break; }
        foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(child, out var pid)) yield return pid;
    }

    private long ReadCpuTicks()
    {
        long total = 0;
        foreach (var pid in Pids())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += long.Parse(rest[11]) + long.Parse(rest[12]);
            }
            catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or InvalidOperationException)
            {
                if (pid == Process.Id) return _lastTicks;
            }
        }
        return total;
    }

    /// <summary>CPU % (100 = one core) since the previous sample, and resident memory in MB.</summary>
    public (double CpuPercent, double RssMb) Sample()
    {
        var now = DateTime.UtcNow;
        var ticks = ReadCpuTicks();
        // USER_HZ is 100 on Linux.
        var cpu = (ticks - _lastTicks) / 100.0 / Math.Max(0.001, (now - _lastSample).TotalSeconds) * 100;
        _lastTicks = ticks;
        _lastSample = now;
        double rss = 0;
        foreach (var pid in Pids())
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                        rss += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
            }
            catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException) { }
        }
        return (cpu, rss);
    }
}

/// <summary>The servers of one run, all on loopback: ClickHouse host, redis-server, edges, the baseline, nginx.</summary>
internal sealed class Stack : IAsyncDisposable
{
    public const string AdminKey = "loadtest-admin-key";
    public const string WebhookSecret = "loadtest-webhook-secret";
    public const string TwilioAuthToken = "loadtest-twilio-auth-token";

    private readonly RunOptions _options;
    private readonly string _dir;
    private readonly List<ManagedProcess> _started = [];
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    public string Database { get; }
    public int ClickHousePort { get; } = FreePort();
    public int RedisPort { get; } = FreePort();
    public ManagedProcess? ClickHouse { get; private set; }
    public ManagedProcess? Redis { get; private set; }
    public List<(ManagedProcess Process, int Port, string Spool)> Edges { get; } = [];
    public ManagedProcess? Baseline { get; private set; }
    public int BaselinePort { get; private set; }
    public ManagedProcess? Nginx { get; private set; }
    public int NginxPort { get; private set; }
    public string ClickHouseUrl => $"http://127.0.0.1:{ClickHousePort}";
    public string RunDirectory => _dir;

    public Stack(RunOptions options)
    {
        _options = options;
        Database = "lt_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        _dir = Path.Combine(options.WorkDirectory, Database);
        Directory.CreateDirectory(_dir);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Bin(string project) => Path.Combine(_options.RepoRoot, "src", project, "bin", "Release", "net10.0");

    public ManagedProcess Track(ManagedProcess p) { _started.Add(p); return p; }

    public async Task StartClickHouseAsync()
    {
        var bin = Bin("CustomerLab.ClickHouseHost");
        ClickHouse = Track(ManagedProcess.Start("clickhouse", "dotnet",
            [Path.Combine(bin, "CustomerLab.ClickHouseHost.dll"), "--contentRoot", bin, "--urls", ClickHouseUrl,
             $"--ClickHouseHost:DataPath={Path.Combine(_dir, "clickhouse")}", "--Logging:LogLevel:Default=Warning"],
            _dir, _options.PidFile));
        await WaitForAsync($"{ClickHouseUrl}/ping", TimeSpan.FromSeconds(90));
    }

    public async Task StartRedisAsync()
    {
        var data = Path.Combine(_dir, "redis");
        Directory.CreateDirectory(data);
        // Append-only with fsync every second, so a restart keeps the pools (as a production Redis would).
        Redis = Track(ManagedProcess.Start("redis", "redis-server",
            ["--port", RedisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "everysec", "--dir", data, "--protected-mode", "no"], _dir, _options.PidFile));
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, RedisPort);
                return;
            }
            catch (SocketException) { await Task.Delay(100); }
        }
        throw new TimeoutException("redis-server did not listen");
    }

    public async Task<int> StartEdgeAsync(int index, int? port = null, bool wait = true)
    {
        var bin = Bin("CustomerLab.Edge");
        var edgePort = port ?? FreePort();
        var spool = Path.Combine(_dir, $"spool{index}");
        var keyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey)));
        var process = Track(ManagedProcess.Start($"edge{index}", "dotnet",
            [Path.Combine(bin, "CustomerLab.Edge.dll"), "--contentRoot", bin, "--urls", $"http://127.0.0.1:{edgePort}",
             $"--Redis:Url=redis://127.0.0.1:{RedisPort}", $"--ClickHouse:Url={ClickHouseUrl}", $"--ClickHouse:Database={Database}",
             "--Cookies:SigningKey=loadtest-signing-key-0123456789abcdef0123456789", "--Cookies:Secure=false",
             $"--Admin:ApiKeySha256:0={keyHash}", $"--Calls:WebhookSecret={WebhookSecret}", $"--Calls:TwilioAuthToken={TwilioAuthToken}", "--Calls:PhoneServerSecret=loadtest-phone-secret",
             // Holds are compressed to 1 minute; a 10-minute grace would span many reuses of a number (see the README).
             $"--Calls:GraceMinutes={_options.GraceMinutes}",
             $"--Delivery:SpoolPath={spool}", $"--Events:DataPackagesPath={Path.Combine(_options.RepoRoot, "deps", "node_modules")}",
             // All load comes from one loopback address: the per-IP and per-site rate limits would measure themselves.
             "--Security:PermitsPerIp=1000000000", "--Security:PermitsPerSite=1000000000", "--Numbers:LeaseCapPerNetwork=0",
             // The sign-in phase floods from one address with new names: only the hash cap stands between it and the tag.
             "--Login:AttemptsPerPrefix=1000000000", "--Login:FreeFailures=1000000000",
             // What the spool's fsync per group commit costs: the same run with Delivery:Fsync=Interval (--spool-fsync Interval).
             $"--Delivery:Fsync={_options.SpoolFsync ?? "Always"}",
             "--Logging:LogLevel:Default=Warning"],
            _dir, _options.PidFile, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" }));
        var slot = Edges.FindIndex(e => e.Port == edgePort);
        if (slot >= 0) Edges[slot] = (process, edgePort, spool); else Edges.Add((process, edgePort, spool));
        if (wait) await WaitForAsync($"http://127.0.0.1:{edgePort}/readyz", TimeSpan.FromSeconds(90));
        return edgePort;
    }

    public async Task StartBaselineAsync()
    {
        BaselinePort = FreePort();
        Baseline = Track(ManagedProcess.Start("baseline", "dotnet",
            [typeof(Stack).Assembly.Location, "baseline-server", BaselinePort.ToString()], _dir, _options.PidFile));
        await WaitForAsync($"http://127.0.0.1:{BaselinePort}/", TimeSpan.FromSeconds(30));
    }

    public async Task StartNginxAsync()
    {
        NginxPort = FreePort();
        var conf = Path.Combine(_dir, "nginx.conf");
        var upstreams = string.Join("\n", Edges.Select(e => $"    server 127.0.0.1:{e.Port};"));
        File.WriteAllText(conf, $$"""
            worker_processes 1;
            pid {{_dir}}/nginx.pid;
            error_log {{_dir}}/nginx-error.log warn;
            daemon off;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{_dir}}/nginx-body;
              proxy_temp_path {{_dir}}/nginx-proxy;
              fastcgi_temp_path {{_dir}}/nginx-fastcgi;
              uwsgi_temp_path {{_dir}}/nginx-uwsgi;
              scgi_temp_path {{_dir}}/nginx-scgi;
              upstream edges {
            {{upstreams}}
                keepalive 64;
              }
              server {
                listen 127.0.0.1:{{NginxPort}};
                location / {
                  proxy_pass http://edges;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Host $host;
                }
              }
            }
            """);
        Nginx = Track(ManagedProcess.Start("nginx", "/usr/sbin/nginx", ["-c", conf, "-p", _dir], _dir, _options.PidFile));
        await WaitForAsync($"http://127.0.0.1:{NginxPort}/healthz", TimeSpan.FromSeconds(20));
    }

    public async Task WaitForAsync(string url, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await _probe.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{url} did not answer 200 within {timeout.TotalSeconds} s (logs in {_dir})");
    }

    public async ValueTask DisposeAsync()
    {
        // Edges first, so they can flush to ClickHouse; then the rest.
        for (var i = _started.Count - 1; i >= 0; i--)
            if (_started[i].Name.StartsWith("edge", StringComparison.Ordinal) || _started[i].Name == "nginx")
                await _started[i].StopAsync(TimeSpan.FromSeconds(15));
        for (var i = _started.Count - 1; i >= 0; i--)
            await _started[i].StopAsync(TimeSpan.FromSeconds(15));
        _probe.Dispose();
    }
}
