using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// A real three-master Redis Cluster on loopback, formed by the test run: three Debian <c>redis-server</c>
/// processes with <c>--cluster-enabled yes</c> (each on free client and bus ports, each in its own temp
/// directory), joined by <c>redis-cli --cluster create … --cluster-replicas 0</c>, and polled until every node
/// reports <c>cluster_state:ok</c>. A missing binary or a cluster that does not form is a failure with the
/// servers' output, never a skip. Everything is killed on dispose.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public const string ServerBinary = "/usr/bin/redis-server";
    public const string CliBinary = "/usr/bin/redis-cli";
    private const int NodeCount = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StateOkTimeout = TimeSpan.FromSeconds(30);

    private readonly List<Node> _nodes = [];

    private Task _formed = Task.CompletedTask;

    /// <summary>
    /// A StackExchange.Redis configuration string naming all three masters, once the cluster has formed. It forms in
    /// the background from the start of the run: the other assembly fixtures, and the tests that need no cluster, do
    /// not wait for it.
    /// </summary>
    public async Task<string> ConfigurationAsync()
    {
        await _formed;
        return NodesConfiguration;
    }

    private string NodesConfiguration => string.Join(',', _nodes.Select(n => n.Endpoint));

    public ValueTask InitializeAsync()
    {
        _formed = FormOrCleanUpAsync();
        return ValueTask.CompletedTask;
    }

    private async Task FormOrCleanUpAsync()
    {
        try
        {
            await FormClusterAsync();
        }
        catch
        {
            // Leave no orphan redis-server behind when the cluster does not form.
            await StopNodesAsync();
            throw;
        }
    }

    private async Task FormClusterAsync()
    {
        foreach (var binary in new[] { ServerBinary, CliBinary })
            if (!File.Exists(binary))
                throw new InvalidOperationException($"{binary} is missing: run ./test.sh, which installs Debian's redis-server (it ships redis-cli).");

        // A free port can still be taken by another process before redis-server binds it: start again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            for (var i = 0; i < NodeCount; i++) _nodes.Add(Node.Start(i));
            try
            {
                await Task.WhenAll(_nodes.Select(n => n.WaitForPingAsync()));
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                await StopNodesAsync();
            }
        }

        var create = await RunCliAsync(
            ["--cluster", "create", .. _nodes.Select(n => n.Endpoint), "--cluster-replicas", "0", "--cluster-yes"], CreateTimeout);
        if (create.ExitCode != 0 || !create.Output.Contains("All 16384 slots covered", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"redis-cli --cluster create failed (exit {create.ExitCode}):\n{create.Output}\n{Diagnostics()}");

        try
        {
            await Poll.UntilAsync(async () =>
            {
                foreach (var node in _nodes)
                {
                    var info = await RunCliAsync(["-h", "127.0.0.1", "-p", node.Port.ToString(), "cluster", "info"], TimeSpan.FromSeconds(60));
                    if (!info.Output.Contains("cluster_state:ok", StringComparison.Ordinal) ||
                        !info.Output.Contains($"cluster_known_nodes:{NodeCount}", StringComparison.Ordinal))
                        return false;
                }
                return true;
            }, StateOkTimeout, "cluster_state:ok on all three Redis Cluster nodes");

            // The client must see the whole slot map too: one key per master, written and read back.
            await using var mux = await ConnectionMultiplexer.ConnectAsync(NodesConfiguration);
            var db = mux.GetDatabase();
            foreach (var tag in new[] { "a", "b", "c" })
            {
                RedisKey key = $"cluster-check:{{{tag}}}";
                await db.StringSetAsync(key, tag, TimeSpan.FromSeconds(10));
                if ((string?)await db.StringGetAsync(key) != tag)
                    throw new InvalidOperationException($"Redis Cluster did not read back {key}.");
            }
            var masters = mux.GetServers().Count(s => s.IsConnected && !s.IsReplica);
            if (masters != NodeCount)
                throw new InvalidOperationException($"The client sees {masters} connected masters, expected {NodeCount}.");
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or RedisException)
        {
            throw new InvalidOperationException($"Redis Cluster did not become ready: {ex.Message}\n{Diagnostics()}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _formed;
        }
        catch (Exception)
        {
            // Reported to the tests that asked for the cluster; the nodes are stopped either way.
        }
        await StopNodesAsync();
    }

    private async Task StopNodesAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _nodes.Clear();
    }

    private string Diagnostics() => string.Join('\n', _nodes.Select(n => n.Describe()));

    private static async Task<(int ExitCode, string Output)> RunCliAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var outcome = await ProcessRunner.RunAsync(CliBinary, args, timeout);
        return (outcome.ExitCode, outcome.StdOut + outcome.StdErr);
    }

    /// <summary>One cluster-enabled redis-server with its own directory, client port and bus port.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();

        private Node(int index, int port, int busPort, string directory, Process process)
        {
            Index = index;
            Port = port;
            BusPort = busPort;
            Directory = directory;
            _process = process;
        }

        public int Index { get; }
        public int Port { get; }
        /// <summary>Set explicitly: the default (port + 10000) can pass 65535 for ports from the ephemeral range.</summary>
        public int BusPort { get; }
        public string Directory { get; }
        public string Endpoint => $"127.0.0.1:{Port}";

        public static Node Start(int index)
        {
            var port = FreePort.Next();
            var busPort = FreePort.Next();
            var directory = RepoPaths.NewTempDirectory($"redis-cluster-{index}");
            var psi = new ProcessStartInfo(ServerBinary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directory,
            };
            foreach (var arg in new[]
                     {
                         "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", directory,
                         "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", busPort.ToString(),
                         "--cluster-node-timeout", "5000", "--appendonly", "no", "--save", "",
                     })
                psi.ArgumentList.Add(arg);
            var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {ServerBinary}.");
            var node = new Node(index, port, busPort, directory, process);
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) node._output.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) node._output.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return node;
        }

        public Task WaitForPingAsync() => Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"cluster node {Index} exited with {_process.ExitCode}.\n{Describe()}");
            var ping = await RunCliAsync(["-h", "127.0.0.1", "-p", Port.ToString(), "ping"], TimeSpan.FromSeconds(5));
            return ping.Output.Contains("PONG", StringComparison.Ordinal);
        }, StartTimeout, $"Redis Cluster node {Index} on {Endpoint}");

        public string Describe() =>
            $"--- node {Index} {Endpoint} (bus {BusPort}, exited: {_process.HasExited}) last output:\n" +
            string.Join('\n', _output.TakeLast(30));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        }
    }
}
