using System.Buffers;
using System.Text;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// The full query text of a request in one pooled buffer: the URL <c>query</c> parameter plus a
/// newline, then the decoded body (ClickHouse concatenates them the same way). One contiguous buffer
/// lets an INSERT statement in the URL be split from data in the body without copying.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialBytes = 16 * 1024; // 16 KiB covers typical SQL; inserts grow by doubling
    private byte[] _buffer;
    private int _length;

    private RequestBody(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public ReadOnlySpan<byte> Text => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Reads the request. Throws <see cref="BodyTooLargeException"/> past <paramref name="maxBytes"/>.</summary>
    public static async Task<RequestBody> ReadAsync(string? urlQuery, Stream body, long? contentLength, long maxBytes, CancellationToken ct)
    {
        var prefixBytes = string.IsNullOrEmpty(urlQuery) ? 0 : Encoding.UTF8.GetByteCount(urlQuery) + 1;
        var hint = prefixBytes + (int)Math.Min(contentLength ?? 0, 64L * 1024 * 1024) + 1;
        var result = new RequestBody(Math.Max(InitialBytes, hint));
        try
        {
            if (prefixBytes > 0)
            {
                result._length = Encoding.UTF8.GetBytes(urlQuery!, result._buffer);
                result._buffer[result._length++] = (byte)'\n';
            }
            while (true)
            {
                if (result._length == result._buffer.Length) result.Grow(maxBytes + prefixBytes);
                var read = await body.ReadAsync(result._buffer.AsMemory(result._length), ct).ConfigureAwait(false);
                if (read == 0) break;
                result._length += read;
                if (result._length - prefixBytes > maxBytes) throw new BodyTooLargeException();
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private void Grow(long limit)
    {
        var size = (int)Math.Min(Math.Max((long)_buffer.Length * 2, InitialBytes), Math.Min(limit + 1, Array.MaxLength));
        if (size <= _buffer.Length) throw new BodyTooLargeException();
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null!);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>The request body exceeded <c>ClickHouseHost:MaxBodyBytes</c> (on the wire or decoded).</summary>
internal sealed class BodyTooLargeException : Exception;
