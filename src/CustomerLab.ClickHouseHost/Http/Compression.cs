using System.IO.Compression;
using ZstdSharp;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>Request body decoding and response encoding negotiation, as ClickHouse's HTTP interface does.</summary>
internal static class Compression
{
    /// <summary>
    /// Wraps <paramref name="body"/> in a decoder for its <c>Content-Encoding</c>; null when the encoding is
    /// not supported. ClickHouse.Driver sends SQL gzip-compressed and bulk inserts zstd-compressed.
    /// </summary>
    public static Stream? DecodeRequest(Stream body, string? contentEncoding) => contentEncoding?.Trim().ToLowerInvariant() switch
    {
        null or "" or "identity" => body,
        "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
        "deflate" => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
        "br" => new BrotliStream(body, CompressionMode.Decompress, leaveOpen: true),
        "zstd" => new DecompressionStream(body, leaveOpen: true),
        _ => null,
    };

    /// <summary>
    /// Picks the response encoding: gzip when accepted, else deflate, else none. gzip is preferred
    /// because every client (curl, browsers, the driver) decodes it; zstd and lz4 offered by the
    /// driver are not produced.
    /// </summary>
    public static string? ChooseResponseEncoding(string? acceptEncoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding)) return null;
        if (Accepts(acceptEncoding, "gzip")) return "gzip";
        if (Accepts(acceptEncoding, "deflate")) return "deflate";
        return null;
    }

    public static Stream EncodeResponse(Stream body, string encoding) => encoding == "gzip"
        ? new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true)
        // HTTP "deflate" is the zlib format (RFC 9110 8.4.1.2), which is what ClickHouse sends too.
        : new ZLibStream(body, CompressionLevel.Fastest, leaveOpen: true);

    private static bool Accepts(string header, string coding)
    {
        foreach (var range in header.AsSpan().Split(','))
        {
            var item = header.AsSpan(range).Trim();
            var semicolon = item.IndexOf(';');
            var name = (semicolon < 0 ? item : item[..semicolon]).Trim();
            if (!name.Equals(coding, StringComparison.OrdinalIgnoreCase) && !name.SequenceEqual("*")) continue;
            // "gzip;q=0" means "not gzip".
            if (semicolon >= 0 && item[(semicolon + 1)..].Trim().StartsWith("q=0") && !item[(semicolon + 1)..].Trim().StartsWith("q=0.")) continue;
            return true;
        }
        return false;
    }
}
