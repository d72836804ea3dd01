using CustomerLab.ClickHouseHost.Chdb;

namespace CustomerLab.ClickHouseHost;

/// <summary>
/// Validates the options that can only be checked against the machine (library file, data path)
/// and boots the engine before the web host starts, so a bad setup fails start-up with one line.
/// </summary>
internal static class EngineStartup
{
    private const string LibraryRelativePath = "deps/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so";

    /// <summary>Boots the engine; on failure returns null and a one-line <paramref name="error"/>.</summary>
    public static ChdbConnectionPool? TryStart(ClickHouseHostOptions options, out EngineInfo? info, out string? error)
    {
        info = null;
        var library = options.LibraryPath ?? FindLibrary();
        if (library is null || !File.Exists(library))
        {
            error = library is null
                ? $"libchdb.so not found: searched upward from '{Environment.CurrentDirectory}' and '{AppContext.BaseDirectory}' for {LibraryRelativePath} (run 'npm ci --prefix deps' or set ClickHouseHost__LibraryPath)"
                : $"libchdb.so not found at ClickHouseHost:LibraryPath '{library}'";
            return null;
        }
        var dataPath = Path.GetFullPath(options.DataPath);
        try
        {
            Directory.CreateDirectory(dataPath);
            var probe = Path.Combine(dataPath, ".write-probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = $"ClickHouseHost:DataPath '{dataPath}' is not a writable directory: {e.Message}";
            return null;
        }

        try
        {
            ChdbNative.UseLibrary(library);
            var pool = new ChdbConnectionPool(dataPath, options.PoolSize);
            info = ReadInfo(pool);
            error = null;
            return pool;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            error = $"Cannot start chDB from '{library}' with data path '{dataPath}': {e.Message}";
            return null;
        }
    }

    public static string DescribeLibrary() => ChdbEngine.LibraryVersion;

    private static EngineInfo ReadInfo(ChdbConnectionPool pool)
    {
        var connection = pool.RentAsync(TimeSpan.Zero, CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("No connection");
        try
        {
            using var result = connection.Query("SELECT version(), timezone()");
            if (result.Error is not null) throw new InvalidOperationException(result.Error);
            var parts = System.Text.Encoding.UTF8.GetString(result.GetSpan()).Trim().Split('\t');
            return new EngineInfo(parts[0], parts[1], Environment.MachineName);
        }
        finally
        {
            pool.Return(connection);
        }
    }

    private static string? FindLibrary()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, LibraryRelativePath);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
