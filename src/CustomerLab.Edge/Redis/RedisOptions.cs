namespace CustomerLab.Edge.Redis;

/// <summary>Where the edge keeps number pools, leases and session state.</summary>
public sealed partial class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>
    /// The Redis server: <c>redis://[:password@]host:port[/db]</c> or a StackExchange.Redis configuration
    /// string (<c>host:port,password=...</c>; several endpoints for a cluster). Empty (the default) starts
    /// an embedded Garnet server on <see cref="EmbeddedPort"/> instead.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Loopback port of the embedded Garnet server. The default is 6380 (6379 is left to a real Redis).</summary>
    public int EmbeddedPort { get; set; } = 6380;

    /// <summary>Where the embedded Garnet server keeps its append-only file. The default is <c>./data/garnet</c>.</summary>
    public string EmbeddedDataPath { get; set; } = "./data/garnet";

    /// <summary>How long one connection attempt may take, in milliseconds. The default is 2,000 ms.</summary>
    public int ConnectTimeoutMs { get; set; } = 2_000;

    /// <summary>How long one command may take before it fails, in milliseconds. The default is 1,000 ms.</summary>
    public int CommandTimeoutMs { get; set; } = 1_000;

    /// <summary>
    /// For command-line tools run beside an edge: when the configuration has no Redis URL, point it at the running
    /// edge's embedded Garnet instead of letting the tool start a second server over the same data.
    /// </summary>
    public static void UseRunningEdgesServer(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<RedisOptions>() ?? new RedisOptions();
        if (options.UsesEmbeddedServer) configuration[$"{Section}:Url"] = $"redis://127.0.0.1:{options.EmbeddedPort}";
    }

    /// <summary>True when no URL is configured, so the edge runs Garnet itself.</summary>
    public bool UsesEmbeddedServer => string.IsNullOrWhiteSpace(Url);
}
