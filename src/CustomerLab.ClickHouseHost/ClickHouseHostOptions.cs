using System.ComponentModel.DataAnnotations;

namespace CustomerLab.ClickHouseHost;

/// <summary>
/// Options of the local ClickHouse host, section <c>ClickHouseHost</c> (appsettings.json or
/// environment variables such as <c>ClickHouseHost__PoolSize=8</c>).
/// </summary>
public sealed class ClickHouseHostOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "ClickHouseHost";

    /// <summary>
    /// Directory chDB keeps its databases in; created when missing and kept across restarts.
    /// Relative paths resolve against the current directory. The default is <c>./data/clickhouse</c>.
    /// </summary>
    [Required]
    public string DataPath { get; set; } = "./data/clickhouse";

    /// <summary>
    /// Full path of <c>libchdb.so</c>. The default (null) searches upward from the current directory
    /// and from the application directory for <c>deps/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so</c>.
    /// </summary>
    public string? LibraryPath { get; set; }

    /// <summary>
    /// Listen URLs (semicolon separated), used only when ASP.NET's own <c>urls</c> setting
    /// (<c>--urls</c>, <c>ASPNETCORE_URLS</c>) is absent. The default is <c>http://127.0.0.1:8123</c>.
    /// </summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:8123";

    /// <summary>The only user accepted. The default is <c>default</c>.</summary>
    [Required]
    public string User { get; set; } = "default";

    /// <summary>Password of <see cref="User"/>. The default is empty, as for a fresh ClickHouse server.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// Number of chDB connections; each runs one statement at a time, so this is the number of
    /// queries executed concurrently. The default is 4.
    /// </summary>
    [Range(1, 256)]
    public int PoolSize { get; set; } = 4;

    /// <summary>
    /// How long a request waits for a free connection before it is refused with
    /// TOO_MANY_SIMULTANEOUS_QUERIES (HTTP 503), in milliseconds. The default is 30000 (30 s).
    /// </summary>
    [Range(1, 3_600_000)]
    public int QueueTimeoutMs { get; set; } = 30_000;

    /// <summary>
    /// Largest request body accepted, in bytes, checked both on the wire and after decompression.
    /// The default is 268435456 (256 MiB).
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Maps the internal <c>/__selfcheck</c> endpoint, which proves that .NET's signal handlers
    /// survived loading the engine. For tests; the default is false.
    /// </summary>
    public bool EnableSelfCheck { get; set; }
}
