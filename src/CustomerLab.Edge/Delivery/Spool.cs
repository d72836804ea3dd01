using System.Buffers.Binary;
using System.IO.Hashing;
using System.Globalization;
using System.Threading.Channels;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The durable local spool between <c>POST /v1/collect</c> and ClickHouse: append-only segment files
/// (<c>{seq:D12}.seg</c>) of records framed as <c>[length:int32 LE][crc32:uint32 LE][payload]</c>, laid out with zeros
/// ahead of the records while a segment is active (a zero length ends the records; <see cref="SpoolFiles"/>).
/// Writers hand a framed buffer to one writer loop, which writes everything that queued up meanwhile and then
/// fsyncs once (group commit) before completing all of them, so 202 is only answered for events on disk.
/// On start every segment is scanned; a torn or corrupt tail (a write cut by SIGKILL or power loss) is cut off
/// and a new segment is begun. Segments are deleted only by <see cref="Acknowledge"/>, after ClickHouse took them.
/// </summary>
internal sealed partial class Spool : IDisposable
{
    public const int HeaderBytes = 8;
    private const string Extension = ".seg";

    private readonly DeliveryOptions _options;
    private readonly DeliveryMetrics? _metrics;
    private readonly ILogger<Spool> _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _appended = new(0, 1);
    private readonly Lock _segmentsLock = new();
    private readonly SortedDictionary<long, long> _sealed = new(); // sealed segment → its length
    private readonly Task _writerLoop;
    private FileStream _active = null!;
    private long _activeSegment;
    private long _committedOffset; // bytes of the active segment that are durable (per policy)
    private long _laidOut;         // bytes of the active segment that exist on disk (records, then zeros)
    private const long LayOutBytes = 1 << 20;
    private long _totalBytes;      // bytes of all segments on disk
    private long _pendingEvents;   // events on disk not yet acknowledged
    private long _reservedBytes;   // bytes queued for the writer, counted against the quota
    private int _nearQuota;
    private int _disposed;
    private readonly FileStream _lock;
    private readonly SpoolDataSync _dataSync;

    /// <summary>
    /// <c>{SpoolPath}/{database}</c> for the events, <c>{SpoolPath}/{database}.{table}</c> for another table's rows: one
    /// directory per target database and table, so a spool never ships into a database it was not written for.
    /// </summary>
    public static string DirectoryFor(DeliveryOptions options, string database, string? table = null) =>
        Path.Combine(options.SpoolPath, table is null ? database : $"{database}.{table}");

    /// <summary>
    /// A spool in <paramref name="directory"/> (see <see cref="DirectoryFor"/>) with the delivery settings (fsync policy,
    /// segment size, quota); without <paramref name="metrics"/> its commits and size stay out of the figures on
    /// <c>/metrics</c>, which count the pageviews' spool.
    /// </summary>
    /// <param name="dataSync">How the data is forced to the disk (null: fdatasync, <see cref="SpoolFiles.DataSync"/>).</param>
    public Spool(string directory, DeliveryOptions options, DeliveryMetrics? metrics, ILogger<Spool> logger, SpoolDataSync? dataSync = null)
    {
        _options = options;
        _dataSync = dataSync ?? SpoolFiles.DataSync;
        _metrics = metrics;
        _logger = logger;
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            // Held while the edge runs (the kernel drops it when the process dies, also on SIGKILL).
            _lock = new FileStream(Path.Combine(Directory, "spool.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new Hosting.StartupException($"The spool directory {Directory} is in use by another edge (Delivery:SpoolPath): {ex.Message}", ex);
        }
        Recover();
        // Never a number used before, even when every segment was shipped and deleted: the shipper's saved position
        // names a segment by number, and a new file under an old number would be read from that old position.
        OpenSegment(Math.Max(_sealed.Count == 0 ? 1 : _sealed.Keys.Max() + 1, ReadLastSequence() + 1));
        metrics?.ObserveSpool(() => Interlocked.Read(ref _pendingEvents), () => Interlocked.Read(ref _totalBytes), _options.SpoolQuotaBytes);
        _writerLoop = Task.Factory.StartNew(WriteLoopAsync, TaskCreationOptions.LongRunning).Unwrap();
    }

    /// <summary>The spool's directory, absolute.</summary>
    public string Directory { get; }

    /// <summary>Bytes of all segment files.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>Events on disk that ClickHouse has not acknowledged yet.</summary>
    public long PendingEvents => Interlocked.Read(ref _pendingEvents);

    /// <summary>Signalled after each group commit, so the shipper wakes up.</summary>
    public SemaphoreSlim Appended => _appended;

    /// <summary>
    /// Appends framed records (<see cref="SpoolRecords.Frame"/>) holding <paramref name="events"/> events; completes when they are
    /// durable. Throws <see cref="SpoolFullException"/> when the quota would be exceeded. The spool owns
    /// <paramref name="framed"/> from the call on and returns its buffer to the pool once written (or refused).
    /// </summary>
    public Task AppendAsync(FramedRecords framed, int events)
    {
        var length = framed.Length;
        var after = Interlocked.Add(ref _reservedBytes, length) + TotalBytes;
        if (after > _options.SpoolQuotaBytes)
        {
            Interlocked.Add(ref _reservedBytes, -length);
            framed.Dispose();
            LogQuotaFull(_logger, TotalBytes, _options.SpoolQuotaBytes, Directory);
            throw new SpoolFullException($"The spool is full ({TotalBytes} of {_options.SpoolQuotaBytes} bytes); ClickHouse is behind.");
        }
        var pending = new PendingWrite(framed, events);
        if (!_writes.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _reservedBytes, -length);
            framed.Dispose();
            throw new ObjectDisposedException(nameof(Spool));
        }
        return pending.Done.Task;
    }

    /// <summary>Appends records framed by the caller (<c>[length][crc32][payload]</c> each), as <see cref="AppendAsync(FramedRecords, int)"/>.</summary>
    public Task AppendAsync(byte[] framed, int events)
    {
        var records = new FramedRecords();
        framed.CopyTo(records.GetSpan(framed.Length));
        records.Advance(framed.Length);
        return AppendAsync(records, events);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        var lastFsync = Environment.TickCount64;
        var dirty = false;
        var reader = _writes.Reader;
        while (true)
        {
            var ready = reader.WaitToReadAsync().AsTask();
            if (dirty && _options.Fsync == SpoolFsync.Interval)
            {
                var wait = Math.Max(0, _options.FsyncIntervalMs - (Environment.TickCount64 - lastFsync));
                if (await Task.WhenAny(ready, Task.Delay((int)wait)) != ready)
                {
                    Fsync(ref lastFsync, ref dirty);
                    continue;
                }
            }
            if (!await ready) break;
            batch.Clear();
            long bytes = 0;
            while (bytes < 4 * 1024 * 1024 && reader.TryRead(out var write)) { batch.Add(write); bytes += write.Framed.Length; }
            try
            {
                LayOutAhead(_active.Position + bytes);
                // The whole group in one gathering write (pwritev), not one system call per request.
                RandomAccess.Write(_active.SafeFileHandle, [.. batch.Select(w => w.Framed.Memory)], _active.Position);
                _active.Seek(bytes, SeekOrigin.Current);
                if (_options.Fsync == SpoolFsync.Always || Environment.TickCount64 - lastFsync >= _options.FsyncIntervalMs)
                {
                    dirty = true;
                    Fsync(ref lastFsync, ref dirty);
                }
                else
                {
                    _active.Flush(flushToDisk: false);
                    dirty = true;
                }
                var events = 0;
                foreach (var write in batch) events += write.Events;
                Interlocked.Add(ref _totalBytes, bytes);
                Interlocked.Add(ref _reservedBytes, -bytes);
                Interlocked.Add(ref _pendingEvents, events);
                Volatile.Write(ref _committedOffset, _active.Position);
                _metrics?.SpoolCommit(batch.Count, bytes);
                foreach (var write in batch) write.Done.TrySetResult();
                CheckQuota();
                if (_active.Position >= _options.SegmentBytes) Roll(ref lastFsync, ref dirty);
                // One pending signal at most: a shipper that slept through many commits wakes once, not once per commit.
                if (_appended.CurrentCount == 0) _appended.Release();
            }
            catch (Exception ex)
            {
                // A failed write (disk full, I/O error): those requests fail, the segment is rolled so that a torn
                // record does not sit in front of later good ones.
                LogWriteFailed(_logger, ex.Message);
                Interlocked.Add(ref _reservedBytes, -bytes);
                foreach (var write in batch) write.Done.TrySetException(new IOException("The spool could not write the events.", ex));
                try { Roll(ref lastFsync, ref dirty); } catch (IOException) { }
            }
            finally
            {
                foreach (var write in batch) write.Framed.Dispose();
            }
        }
        if (dirty) Fsync(ref lastFsync, ref dirty);
    }

    private void Fsync(ref long lastFsync, ref bool dirty)
    {
        _dataSync(_active.SafeFileHandle);
        lastFsync = Environment.TickCount64;
        dirty = false;
    }

    /// <summary>
    /// Zeros ahead of the records, a <see cref="LayOutBytes"/> step at a time, so that a group commit overwrites blocks
    /// the file already has and its fdatasync forces only data (see <see cref="SpoolFiles"/>).
    /// </summary>
    private void LayOutAhead(long end)
    {
        if (end <= _laidOut) return;
        var to = Math.Max(end, Math.Min(_laidOut + LayOutBytes, Math.Max(_options.SegmentBytes, end)));
        SpoolFiles.ZeroFill(_active.SafeFileHandle, _laidOut, to);
        _laidOut = to;
    }

    /// <summary>Seals the active segment at its committed length (its laid-out zeros cut off) and opens the next.</summary>
    private void Roll(ref long lastFsync, ref bool dirty)
    {
        var length = Volatile.Read(ref _committedOffset);
        _active.SetLength(length);
        Fsync(ref lastFsync, ref dirty); // fdatasync also forces a changed size: reading the data needs it
        _active.Dispose();
        lock (_segmentsLock) _sealed[_activeSegment] = length;
        OpenSegment(_activeSegment + 1);
    }

    private void OpenSegment(long sequence)
    {
        WriteLastSequence(sequence);
        var stream = new FileStream(SegmentPath(sequence), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        lock (_segmentsLock)
        {
            _active = stream;
            Volatile.Write(ref _committedOffset, 0);
            _activeSegment = sequence;
            _laidOut = 0;
        }
        SyncDirectory();
    }

    /// <summary>The oldest segment at or after <paramref name="from"/> and how far it may be read; null when there is none.</summary>
    public (long Segment, long End, bool Sealed)? Readable(long from)
    {
        lock (_segmentsLock)
        {
            foreach (var (segment, length) in _sealed)
                if (segment >= from) return (segment, length, true);
            return _activeSegment >= from ? (_activeSegment, Volatile.Read(ref _committedOffset), false) : null;
        }
    }

    /// <summary>
    /// Reads records of <paramref name="segment"/> from <paramref name="offset"/> up to <paramref name="end"/>, at most
    /// <paramref name="maxRows"/> and (after the first) <paramref name="maxBytes"/>, into <paramref name="buffer"/>: the
    /// caller's, grown when needed and reused from batch to batch, so a batch costs one read and no array per record
    /// (thousands a second, which outlived the young generation while the batch was inserted). The payloads are slices of
    /// it, valid until the next read into the same buffer. A record that fails its checksum (only possible on a damaged
    /// disk once recovery ran) is returned with a null payload.
    /// </summary>
    public List<SpoolRecord> Read(long segment, long offset, long end, int maxRows, int maxBytes, ref byte[] buffer)
    {
        var records = new List<SpoolRecord>();
        using var file = File.OpenHandle(SegmentPath(segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = (int)Math.Min(end - offset, maxBytes);
        var read = ReadAt(file, ref buffer, 0, length, offset);
        var at = 0;
        while (at + HeaderBytes <= read && records.Count < maxRows)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at));
            if (size <= 0 || offset + at + HeaderBytes + size > end) break; // a zero length ends the records
            if (at + HeaderBytes + size > read)
            {
                if (records.Count > 0) break; // the next batch starts with it
                read = ReadAt(file, ref buffer, read, HeaderBytes + size - read, offset + read); // a first record over maxBytes
            }
            var payload = buffer.AsMemory(at + HeaderBytes, size);
            var ok = Crc32.HashToUInt32(payload.Span) == BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at + 4));
            records.Add(new SpoolRecord(segment, offset + at, offset + at + HeaderBytes + size, ok ? payload : null));
            at += HeaderBytes + size;
        }
        return records;
    }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="position"/> into <paramref name="buffer"/> after its first <paramref name="start"/> bytes.</summary>
    private static int ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, ref byte[] buffer, int start, int count, long position)
    {
        if (buffer.Length < start + count) Array.Resize(ref buffer, Math.Max(start + count, buffer.Length * 2));
        var done = 0;
        while (done < count)
        {
            var n = RandomAccess.Read(file, buffer.AsSpan(start + done, count - done), position + done);
            if (n == 0) break;
            done += n;
        }
        return start + done;
    }

    /// <summary>ClickHouse took <paramref name="events"/> events; a sealed segment read to its end is deleted.</summary>
    public void Acknowledge(long segment, long offset, int events)
    {
        Interlocked.Add(ref _pendingEvents, -events);
        long length;
        lock (_segmentsLock)
        {
            if (!_sealed.TryGetValue(segment, out length) || offset < length) return;
            _sealed.Remove(segment);
        }
        File.Delete(SegmentPath(segment));
        Interlocked.Add(ref _totalBytes, -length);
        LogSegmentDeleted(_logger, segment, length);
        CheckQuota();
    }

    /// <summary>Deletes sealed segments before <paramref name="segment"/> (already shipped before a restart).</summary>
    public void DropBefore(long segment)
    {
        List<(long, long)> old;
        lock (_segmentsLock)
        {
            old = _sealed.Where(s => s.Key < segment).Select(s => (s.Key, s.Value)).ToList();
            foreach (var (s, _) in old) _sealed.Remove(s);
        }
        foreach (var (s, length) in old)
        {
            Interlocked.Add(ref _pendingEvents, -CountRecords(s, 0, length));
            File.Delete(SegmentPath(s));
            Interlocked.Add(ref _totalBytes, -length);
        }
    }

    /// <summary>Events in a segment range (for the depth metric after a restart); a file shorter than the range ends it.</summary>
    public int CountRecords(long segment, long from, long end)
    {
        var buffer = Array.Empty<byte>();
        return Read(segment, from, end, int.MaxValue, int.MaxValue, ref buffer).Count;
    }

    private string SequencePath => Path.Combine(Directory, "spool.sequence");

    /// <summary>The last segment number this spool opened (0 for a spool that never recorded one).</summary>
    private long ReadLastSequence()
    {
        try
        {
            return long.TryParse(File.ReadAllText(SequencePath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : 0;
        }
        catch (FileNotFoundException) { return 0; }
    }

    /// <summary>Records <paramref name="sequence"/> durably before its segment is created.</summary>
    private void WriteLastSequence(long sequence) =>
        SpoolFiles.ReplaceDurably(SequencePath, sequence.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>Subtracts events that were shipped before a restart from the depth metric.</summary>
    public void ForgetShipped(int events) => Interlocked.Add(ref _pendingEvents, -events);

    private void Recover()
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) continue;
            var (valid, events, fileLength) = Scan(path);
            if (valid < fileLength)
            {
                // A tail of zeros is the segment laid out ahead of its records (the edge stopped without cutting it);
                // anything else is a write cut short or damaged.
                if (SpoolFiles.IsZeroFrom(path, valid)) LogLaidOutTail(_logger, path, fileLength - valid);
                else LogTornTail(_logger, path, fileLength - valid);
                using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
                f.SetLength(valid);
                f.Flush(flushToDisk: true);
            }
            if (valid == 0) { File.Delete(path); continue; }
            _sealed[sequence] = valid;
            _totalBytes += valid;
            _pendingEvents += events;
        }
        if (_sealed.Count > 0) LogRecovered(_logger, _sealed.Count, _pendingEvents, _totalBytes, Directory);
    }

    /// <summary>The length of the intact prefix of a segment and its record count.</summary>
    private static (long Valid, long Events, long Length) Scan(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var length = file.Length;
        Span<byte> header = stackalloc byte[HeaderBytes];
        long at = 0, events = 0;
        var buffer = new byte[4096];
        while (at + HeaderBytes <= length)
        {
            file.Position = at;
            file.ReadExactly(header);
            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (size <= 0 || at + HeaderBytes + size > length) break;
            if (buffer.Length < size) buffer = new byte[size];
            file.ReadExactly(buffer, 0, size);
            if (Crc32.HashToUInt32(buffer.AsSpan(0, size)) != BinaryPrimitives.ReadUInt32LittleEndian(header[4..])) break;
            at += HeaderBytes + size;
            events++;
        }
        return (at, events, length);
    }

    private void CheckQuota()
    {
        var near = TotalBytes >= _options.SpoolQuotaBytes * _options.SpoolWarnFraction;
        if (near && Interlocked.Exchange(ref _nearQuota, 1) == 0)
            LogNearQuota(_logger, TotalBytes, _options.SpoolQuotaBytes, Directory);
        else if (!near && Interlocked.Exchange(ref _nearQuota, 0) == 1)
            LogBelowQuota(_logger, TotalBytes, _options.SpoolQuotaBytes);
    }

    private void SyncDirectory()
    {
        // A new or deleted file is durable only once its directory is; best effort where the platform allows it.
        try
        {
            using var dir = File.OpenHandle(Directory, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.None);
            RandomAccess.FlushToDisk(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private string SegmentPath(long sequence) => Path.Combine(Directory, sequence.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    public void Dispose()
    {
        // Once: a container disposes a singleton it also made as a hosted service twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _writes.Writer.TryComplete();
        try { _writerLoop.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        lock (_segmentsLock)
        {
            var length = Volatile.Read(ref _committedOffset);
            try { _active.SetLength(length); } catch (IOException) { } // the laid-out zeros; recovery would cut them too
            _active.Dispose();
            if (length == 0) File.Delete(SegmentPath(_activeSegment));
        }
        _lock.Dispose();
    }

    private sealed record PendingWrite(FramedRecords Framed, int Events)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(6101, LogLevel.Warning, "Spool at {Bytes} of {Quota} bytes in {Directory}: ClickHouse is behind; collect answers 503 at the quota", EventName = "SpoolNearQuota")]
    private static partial void LogNearQuota(ILogger logger, long bytes, long quota, string directory);

    [LoggerMessage(6102, LogLevel.Information, "Spool back below the warning level: {Bytes} of {Quota} bytes", EventName = "SpoolBelowQuota")]
    private static partial void LogBelowQuota(ILogger logger, long bytes, long quota);

    [LoggerMessage(6103, LogLevel.Error, "Spool full ({Bytes} of {Quota} bytes in {Directory}); events refused with 503", EventName = "SpoolFull")]
    private static partial void LogQuotaFull(ILogger logger, long bytes, long quota, string directory);

    [LoggerMessage(6104, LogLevel.Warning, "Spool segment {Path}: cut {Bytes} bytes of a torn or corrupt tail", EventName = "SpoolTornTail")]
    private static partial void LogTornTail(ILogger logger, string path, long bytes);

    [LoggerMessage(6108, LogLevel.Debug, "Spool segment {Path}: cut {Bytes} bytes of zeros laid out ahead of its records", EventName = "SpoolLaidOutTail")]
    private static partial void LogLaidOutTail(ILogger logger, string path, long bytes);

    [LoggerMessage(6105, LogLevel.Information, "Spool recovered {Segments} segments with {Events} events ({Bytes} bytes) in {Directory}", EventName = "SpoolRecovered")]
    private static partial void LogRecovered(ILogger logger, int segments, long events, long bytes, string directory);

    [LoggerMessage(6106, LogLevel.Error, "Spool write failed; the requests in this commit get 503: {Error}", EventName = "SpoolWriteFailed")]
    private static partial void LogWriteFailed(ILogger logger, string error);

    [LoggerMessage(6107, LogLevel.Debug, "Spool segment {Segment} shipped and deleted ({Bytes} bytes)", EventName = "SpoolSegmentDeleted")]
    private static partial void LogSegmentDeleted(ILogger logger, long segment, long bytes);
}

/// <summary>One record read back from the spool: where it is and its payload (null if its checksum failed).</summary>
internal sealed record SpoolRecord(long Segment, long Offset, long End, ReadOnlyMemory<byte>? Payload);

/// <summary>The spool reached its disk quota.</summary>
internal sealed class SpoolFullException(string message) : Exception(message);
