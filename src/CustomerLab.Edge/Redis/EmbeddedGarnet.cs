using Garnet;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Redis;

/// <summary>
/// A Garnet server (Microsoft's Redis-protocol store) run inside the edge when no Redis URL is
/// configured, so <c>./run.sh</c> needs no separate Redis. Loopback only, Lua on, and an append-only
/// file under <see cref="RedisOptions.EmbeddedDataPath"/> so pools and leases survive a restart.
/// </summary>
internal sealed partial class EmbeddedGarnet(IOptions<RedisOptions> options, ILogger<EmbeddedGarnet> logger) : IDisposable
{
    private readonly RedisOptions _options = options.Value;
    private readonly Lock _gate = new();
    private GarnetServer? _server;

    /// <summary>The endpoint clients connect to.</summary>
    public string Endpoint => $"127.0.0.1:{_options.EmbeddedPort}";

    /// <summary>Starts the server once; later calls do nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_server is not null) return;
            var dataPath = Path.GetFullPath(_options.EmbeddedDataPath);
            try
            {
                Directory.CreateDirectory(dataPath);
                string[] args =
                [
                    "--bind", "127.0.0.1", "--port", _options.EmbeddedPort.ToString(),
                    // Lua is off by default in Garnet; every pool mutation is a script.
                    "--lua",
                    // Append-only file, committed on every write, replayed at start.
                    // RandomAccess: Garnet's native device needs a newer libaio than Debian 12 has.
                    "--aof", "--aof-commit-freq", "0", "--recover", "--checkpointdir", dataPath,
                    "--device-type", "RandomAccess",
                    // Quiet: Garnet's banner would break the edge's stdout, which is JSON log lines (the edge logs its own start).
                    "-q",
                ];
                var server = new GarnetServer(args, loggerFactory: null, cleanupDir: false, authenticationSettingsOverride: null);
                server.Start();
                _server = server;
            }
            catch (Exception ex)
            {
                throw new Hosting.StartupException(
                    $"the embedded Garnet server could not start on {Endpoint} with data in {dataPath}: {ex.Message}", ex);
            }
            LogStarted(logger, Endpoint, dataPath);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _server?.Dispose();
            _server = null;
        }
    }

    /// <summary>Starts the embedded server before the host when no Redis URL is configured.</summary>
    internal sealed class StartWhenEmbedded(IOptions<RedisOptions> options, EmbeddedGarnet garnet) : Hosting.IStartBeforeHost
    {
        public void Start()
        {
            if (options.Value.UsesEmbeddedServer) garnet.Start();
        }
    }

    [LoggerMessage(1001, LogLevel.Information, "Embedded Garnet listening on {Endpoint}, data in {DataPath}", EventName = "EmbeddedGarnetStarted")]
    private static partial void LogStarted(ILogger logger, string endpoint, string dataPath);
}
