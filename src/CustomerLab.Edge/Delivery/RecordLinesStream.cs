namespace CustomerLab.Edge.Delivery;

/// <summary>
/// Spool records' payloads read as one stream, a newline after each (a JSONEachRow body) or, without
/// <paramref name="newlines"/>, one after the other (a RowBinary body), without copying them into one buffer first: a
/// second's batch is megabytes, and a buffer of that size per insert kept the edge's memory up.
/// </summary>
internal sealed class RecordLinesStream(IReadOnlyList<SpoolRecord> records, bool newlines = true) : Stream
{
    private int _record;
    private int _offset; // into the current record's payload; its length means "the newline is next"

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _record < records.Count)
        {
            var payload = records[_record].Payload!.Value.Span;
            if (_offset < payload.Length)
            {
                var n = Math.Min(payload.Length - _offset, buffer.Length - written);
                payload.Slice(_offset, n).CopyTo(buffer[written..]);
                _offset += n;
                written += n;
                continue;
            }
            if (newlines) buffer[written++] = (byte)'\n';
            _record++;
            _offset = 0;
        }
        return written;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
