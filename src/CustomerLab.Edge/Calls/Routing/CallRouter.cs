using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Routing;

/// <summary>
/// The edge's call routing table: held in memory (a call is routed without asking any store), rebuilt from Redis by
/// <see cref="RefreshAsync"/> (periodically, see <see cref="CallRoutesRefresher"/>, and after each admin change on this
/// edge), and copied to a local snapshot file that an edge starting while Redis is down routes from.
/// </summary>
public sealed partial class CallRouter
{
    private readonly SiteStore _sites;
    private readonly NumberIndex _index;
    private readonly TimeProvider _time;
    private readonly ILogger<CallRouter> _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private RoutingTable _table = RoutingTable.Empty;

    public CallRouter(SiteStore sites, NumberIndex index, IOptions<CallOptions> options, IOptions<DeliveryOptions> delivery,
        IOptions<ClickHouseOptions> clickHouse, TimeProvider time, ILogger<CallRouter> logger)
    {
        (_sites, _index, _time, _logger) = (sites, index, time, logger);
        SnapshotPath = Path.GetFullPath(options.Value.RoutesSnapshotPath.Length > 0
            ? options.Value.RoutesSnapshotPath
            : Path.Combine(delivery.Value.SpoolPath, $"{clickHouse.Value.Database}.call-routes.json"));
    }

    /// <summary>The snapshot file, absolute.</summary>
    public string SnapshotPath { get; }

    /// <summary>The table calls are routed by now.</summary>
    public RoutingTable Current => Volatile.Read(ref _table);

    /// <summary>The route of an E.164 number, from memory; null when it is no site's number.</summary>
    public CallRoute? Find(string number) => Current.Find(number);

    private volatile bool _isCurrent;

    /// <summary>
    /// The last refresh from Redis succeeded. When it did not (Redis down, or never read since start), a number missing
    /// from the table may be one added meanwhile: not knowing is not a reason to reject a caller.
    /// </summary>
    public bool IsCurrent => _isCurrent;

    /// <summary>Reads every site and the number index from Redis and swaps the table in; writes the snapshot when it changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await RebuildAsync();
            _isCurrent = true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or SiteStoreUnavailableException)
        {
            _isCurrent = false;
            throw;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RebuildAsync()
    {
        var builtAt = _time.GetUtcNow();
        var index = await _index.AllAsync();
        // One pipelined round of reads, not one round trip per site.
        var sites = (await Task.WhenAll((await _sites.ListAsync()).Select(_sites.GetFreshAsync))).OfType<SiteConfig>().ToList();
        var table = RoutingTable.Build(sites, index, builtAt);
        var changed = !SameRoutes(Current, table);
        Volatile.Write(ref _table, table);
        if (changed)
        {
            WriteSnapshot(table);
            LogRefreshed(_logger, table.Count);
        }
    }

    /// <summary>Loads the snapshot, if there is one and no table was read from Redis yet.</summary>
    public void LoadSnapshot()
    {
        if (!File.Exists(SnapshotPath)) return;
        try
        {
            var snapshot = JsonSerializer.Deserialize(File.ReadAllBytes(SnapshotPath), CallRoutesJson.Default.RoutesSnapshot);
            if (snapshot is null) return;
            Interlocked.CompareExchange(ref _table, new RoutingTable(snapshot.Routes, snapshot.BuiltAt), RoutingTable.Empty);
            LogSnapshotLoaded(_logger, snapshot.Routes.Count, SnapshotPath, snapshot.BuiltAt);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogSnapshotUnreadable(_logger, SnapshotPath, ex.Message);
        }
    }

    private void WriteSnapshot(RoutingTable table)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
            var json = JsonSerializer.Serialize(new RoutesSnapshot(table.BuiltAt, [.. table.Routes]), CallRoutesJson.Default.RoutesSnapshot);
            SpoolFiles.ReplaceDurably(SnapshotPath, json);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(SnapshotPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Routing goes on from memory; only a restart while Redis is down would miss this change.
            LogSnapshotNotWritten(_logger, SnapshotPath, ex.Message);
        }
    }

    private static bool SameRoutes(RoutingTable a, RoutingTable b) =>
        a.Count == b.Count && b.Routes.All(r => a.Find(r.Number) == r);

    internal sealed record RoutesSnapshot(DateTimeOffset BuiltAt, List<CallRoute> Routes);

    [LoggerMessage(8101, LogLevel.Information, "Call routing table refreshed: {Count} numbers", EventName = "CallRoutesRefreshed")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(8102, LogLevel.Warning, "Call routes loaded from the snapshot {Path}: {Count} numbers, read from Redis at {BuiltAt}", EventName = "CallRoutesSnapshotLoaded")]
    private static partial void LogSnapshotLoaded(ILogger logger, int count, string path, DateTimeOffset builtAt);

    [LoggerMessage(8103, LogLevel.Error, "The call routes snapshot {Path} cannot be read: {Error}", EventName = "CallRoutesSnapshotUnreadable")]
    private static partial void LogSnapshotUnreadable(ILogger logger, string path, string error);

    [LoggerMessage(8104, LogLevel.Error, "The call routes snapshot {Path} cannot be written: {Error}", EventName = "CallRoutesSnapshotNotWritten")]
    private static partial void LogSnapshotNotWritten(ILogger logger, string path, string error);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallRouter.RoutesSnapshot))]
internal sealed partial class CallRoutesJson : JsonSerializerContext;
