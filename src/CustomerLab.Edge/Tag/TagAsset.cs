using System.IO.Compression;
using System.Security.Cryptography;

namespace CustomerLab.Edge.Tag;

/// <summary>One version of the built tag: its bytes, pre-compressed forms and version (a content hash).</summary>
public sealed record TagBuild(string Version, byte[] Raw, byte[] Gzip, byte[] Brotli, DateTimeOffset LastModified, string Path);

/// <summary>
/// Holds one built file of the tag (<c>cl.js</c> or its extension <c>cl-more.js</c>, see <see cref="TagAssets"/>) in
/// memory, with gzip and brotli forms compressed once. The file is checked again at most every
/// <see cref="RecheckInterval"/> (its size and time), so an edge started before <c>npm run build</c>, or a rebuilt tag
/// in development, is picked up without a restart.
/// </summary>
public sealed partial class TagAsset
{
    /// <summary>How often the file is looked at again: 2 seconds.</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(2);

    private readonly string? _configuredPath;
    private readonly string[] _searchFrom;
    private readonly TimeProvider _time;
    private readonly ILogger<TagAsset> _logger;
    private readonly Lock _lock = new();
    private TagBuild? _build;
    private (long Length, DateTime WriteTime) _stamp;
    private long _nextCheck;

    /// <param name="fileName">The file's name in <c>tag-js/dist</c>, which is also its URL's last segment.</param>
    /// <param name="configuredPath">Where the file is (from <c>Tag:Path</c>), or null to search upward for <c>tag-js/dist/{fileName}</c>.</param>
    /// <param name="searchFrom">The directories the search starts from.</param>
    public TagAsset(string fileName, string? configuredPath, string[] searchFrom, TimeProvider time, ILogger<TagAsset> logger)
    {
        FileName = fileName;
        _configuredPath = configuredPath;
        _searchFrom = searchFrom;
        _time = time;
        _logger = logger;
        Refresh(startup: true);
    }

    /// <summary>The file's name, e.g. <c>cl.js</c>.</summary>
    public string FileName { get; }

    /// <summary>Raised after a new version was loaded (the output cache evicts the old responses).</summary>
    public event Action<TagBuild>? Changed;

    /// <summary>The current build, or null while no built tag is found.</summary>
    public TagBuild? Current
    {
        get
        {
            if (_time.GetTimestamp() >= Volatile.Read(ref _nextCheck)) Refresh(startup: false);
            return _build;
        }
    }

    /// <summary>What is missing, for the readiness check and the 503 answer.</summary>
    public string MissingReason => _configuredPath is not null
        ? $"The built tag '{_configuredPath}' (Tag:Path) does not exist; run `npm ci && npm run build` in tag-js."
        : $"No tag-js/dist/{FileName} above '{_searchFrom[0]}' or '{_searchFrom[1]}'; run `npm ci && npm run build` in tag-js, or set Tag:Path.";

    private void Refresh(bool startup)
    {
        lock (_lock)
        {
            if (!startup && _time.GetTimestamp() < _nextCheck) return;
            _nextCheck = _time.GetTimestamp() + (long)(RecheckInterval.TotalSeconds * _time.TimestampFrequency);
            var path = _configuredPath ?? Search();
            var file = path is null ? null : new FileInfo(path);
            if (file is not { Exists: true })
            {
                if (startup) LogMissing(_logger, MissingReason);
                else if (_build is not null) LogVanished(_logger, _build.Path);
                _build = null;
                _stamp = default;
                return;
            }
            if (_build is not null && _stamp == (file.Length, file.LastWriteTimeUtc)) return;
            try
            {
                var raw = File.ReadAllBytes(file.FullName);
                _build = new TagBuild(Convert.ToHexStringLower(SHA256.HashData(raw))[..12], raw, Compress(raw, brotli: false), Compress(raw, brotli: true),
                    new DateTimeOffset(file.LastWriteTimeUtc), file.FullName);
                _stamp = (file.Length, file.LastWriteTimeUtc);
                LogLoaded(_logger, _build.Version, file.FullName, raw.Length, _build.Gzip.Length);
            }
            catch (IOException ex)
            {
                // Caught mid-write by a build: keep the previous version and look again at the next check.
                LogUnreadable(_logger, file.FullName, ex.Message);
                return;
            }
        }
        Changed?.Invoke(_build);
    }

    private string? Search() => Assets.FileLocator.FindUpward(_searchFrom, System.IO.Path.Combine("tag-js", "dist", FileName));

    private static byte[] Compress(byte[] raw, bool brotli)
    {
        using var buffer = new MemoryStream();
        using (Stream stream = brotli ? new BrotliStream(buffer, CompressionLevel.SmallestSize) : new GZipStream(buffer, CompressionLevel.SmallestSize))
            stream.Write(raw);
        return buffer.ToArray();
    }

    [LoggerMessage(6001, LogLevel.Information, "Tag {Version} loaded from {Path}: {RawBytes} B, {GzipBytes} B gzip", EventName = "TagLoaded")]
    private static partial void LogLoaded(ILogger logger, string version, string path, int rawBytes, int gzipBytes);

    [LoggerMessage(6002, LogLevel.Warning, "The tag is not built, so its URLs answer 503 and /readyz reports it: {Reason}", EventName = "TagMissing")]
    private static partial void LogMissing(ILogger logger, string reason);

    [LoggerMessage(6003, LogLevel.Warning, "The built tag {Path} disappeared; its URLs answer 503 until it is back", EventName = "TagVanished")]
    private static partial void LogVanished(ILogger logger, string path);

    [LoggerMessage(6004, LogLevel.Warning, "The built tag {Path} could not be read (kept the previous version): {Error}", EventName = "TagUnreadable")]
    private static partial void LogUnreadable(ILogger logger, string path, string error);
}
