namespace CustomerLab.Edge.ClickHouse;

/// <summary>Where the edge writes pageviews, leases and calls, and how it manages the schema.</summary>
public sealed partial class ClickHouseOptions
{
    public const string Section = "ClickHouse";

    /// <summary>
    /// ClickHouse's HTTP interface, e.g. <c>http://127.0.0.1:8123</c> (the local host that <c>./run.sh</c>
    /// starts) or <c>https://clickhouse.example:8443</c>. Required.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The database the edge's tables live in; created by the migrations. The default is <c>customerlab</c>.</summary>
    public string Database { get; set; } = "customerlab";

    /// <summary>User name. The default is <c>default</c>.</summary>
    public string User { get; set; } = "default";

    /// <summary>Password. The default is empty.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// Cluster name for a replicated deployment. When set, migrations run <c>ON CLUSTER</c> with
    /// ReplicatedMergeTree tables behind Distributed tables. The default (empty) is a single server.
    /// </summary>
    public string? Cluster { get; set; }

    /// <summary>Apply pending schema migrations at start-up. The default is true.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>HTTP timeout for one request, in seconds. The default is 30 s.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Compress request and answer bodies. The default (unset) compresses unless <see cref="Url"/> is a loopback
    /// address: there, compressing costs CPU at both ends and saves nothing.
    /// </summary>
    public bool? Compression { get; set; }
}
