using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CustomerLab.Edge.Cookies;

/// <summary>
/// Reads and writes the edge's cookies. Ids are 128 random bits (base64url); cookies that carry them are signed
/// (<c>value.signature</c>, HMAC-SHA256 truncated to 128 bits) and HttpOnly, since the tag never reads them.
/// The first configured key signs; every configured key verifies (rotation, see <see cref="CookieSettings.SigningKeys"/>).
/// The opt-out cookie holds the constant <c>1</c>: no identifier.
/// </summary>
public sealed class VisitorCookies(IOptions<CookieSettings> options)
{
    public const string VisitorCookie = "_clvid";
    public const string SessionCookie = "_clsid";
    public const string OptOutCookie = "_clopt";

    /// <summary>
    /// The session's lease: <c>number~expiryMs~generation</c>, signed together with the session id (so it is worth
    /// nothing with another session's cookie). Read to acknowledge a recent renewal without Redis while the site's
    /// lease generation is unchanged (<c>Numbers/SignedRenewals</c>), and to give the holder its number back when
    /// Redis lost the lease. The generation is empty when the edge did not know it (cookies of earlier versions have
    /// no third part): such a cookie only resumes.
    /// </summary>
    public const string LeaseCookie = "_cllse";

    /// <summary>Separates the session id from the pool chosen at the session's start.</summary>
    private const char PoolSeparator = '~';

    private readonly CookieSettings _settings = options.Value;
    /// <summary>Signing keys, the signing one first; all verify.</summary>
    private readonly byte[][] _keys = options.Value.ActiveKeys().Select(Encoding.UTF8.GetBytes).DefaultIfEmpty([]).ToArray();
    private readonly ConcurrentDictionary<long, string> _sessionAttributes = new();
    private readonly string _visitorAttributes = Attributes(options.Value, TimeSpan.FromDays(options.Value.VisitorDays));

    /// <summary>A new random id.</summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    public bool IsOptedOut(HttpRequest request) => request.Cookies.ContainsKey(OptOutCookie);

    /// <summary>The visitor id from a correctly signed cookie, or null.</summary>
    public string? ReadVisitor(HttpRequest request) =>
        request.Cookies.TryGetValue(VisitorCookie, out var raw) ? Verify(VisitorCookie, raw) : null;

    /// <summary>The session id and its pool from a correctly signed cookie, or nulls.</summary>
    public (string? SessionId, string? PoolId) ReadSession(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(SessionCookie, out var raw) || Verify(SessionCookie, raw) is not { } value)
            return (null, null);
        var cut = value.IndexOf(PoolSeparator);
        return cut < 0 ? (value, null) : (value[..cut], value[(cut + 1)..]);
    }

    public void WriteVisitor(HttpResponse response, string visitorId) =>
        AppendCookie(response, VisitorCookie, Sign(VisitorCookie, visitorId), _visitorAttributes);

    /// <summary>The session cookie lives as long as the lease hold and slides with every call.</summary>
    public void WriteSession(HttpResponse response, string sessionId, string poolId, TimeSpan hold) =>
        AppendCookie(response, SessionCookie, Sign(SessionCookie, sessionId + PoolSeparator + poolId),
            _sessionAttributes.GetOrAdd((long)hold.TotalSeconds, static (seconds, settings) => Attributes(settings, TimeSpan.FromSeconds(seconds)), _settings));

    /// <summary>Names the session's number, lease expiry and the site's lease generation (null: unknown); lives as long as the hold, like the session cookie.</summary>
    public void WriteLease(HttpResponse response, string sessionId, string number, DateTimeOffset expiresAt, long? generation, TimeSpan hold)
    {
        var value = string.Concat(number, "~", expiresAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "~", generation?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var signed = Sign(LeaseCookie, string.Concat(sessionId, "~", value));
        AppendCookie(response, LeaseCookie, string.Concat(value, signed.AsSpan(signed.LastIndexOf('.'))),
            _sessionAttributes.GetOrAdd((long)hold.TotalSeconds, static (seconds, settings) => Attributes(settings, TimeSpan.FromSeconds(seconds)), _settings));
    }

    /// <summary>
    /// The number, lease expiry and lease generation the session's lease cookie names, when it is correctly signed for
    /// this session; else null.
    /// </summary>
    public LeaseCookieValue? ReadLease(HttpRequest request, string sessionId)
    {
        if (!request.Cookies.TryGetValue(LeaseCookie, out var raw) || Verify(LeaseCookie, string.Concat(sessionId, "~", raw)) is not { } value)
            return null;
        var parts = value.Split('~');
        if (parts.Length is not (3 or 4) || !long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            return null;
        long? generation = parts.Length == 4 && long.TryParse(parts[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var g) ? g : null;
        return new LeaseCookieValue(parts[1], DateTimeOffset.FromUnixTimeMilliseconds(ms), generation);
    }

    /// <summary>
    /// Every /v1 answer sets both cookies, so their header is written in one string with attributes made once
    /// (<see cref="ResponseCookies"/> would build a <see cref="CookieOptions"/> and a header object per cookie);
    /// the text is what <see cref="CookieOptions.CreateCookieHeader"/> writes for these options.
    /// </summary>
    private static void AppendCookie(HttpResponse response, string name, string value, string attributes) =>
        response.Headers.Append(HeaderNames.SetCookie, string.Concat(name, "=", Uri.EscapeDataString(value), attributes));

    private static string Attributes(CookieSettings settings, TimeSpan maxAge) => Options(settings, maxAge).CreateCookieHeader("x", "").ToString()[2..];

    /// <summary>Deletes the visitor and session cookies (on opt-out), host-only and on <paramref name="domain"/>.</summary>
    public void Forget(HttpResponse response, string? domain)
    {
        foreach (var name in (string[])[VisitorCookie, SessionCookie, LeaseCookie])
        {
            response.Cookies.Delete(name, new CookieOptions { Path = "/", Secure = _settings.Secure, SameSite = _settings.SameSite });
            if (domain is not null)
                response.Cookies.Delete(name, new CookieOptions { Path = "/", Domain = domain, Secure = _settings.Secure, SameSite = _settings.SameSite });
        }
    }

    private static CookieOptions Options(CookieSettings settings, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = settings.Secure,
        SameSite = settings.SameSite,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };

    internal string Sign(string name, string value)
    {
        Span<char> signature = stackalloc char[SignatureChars];
        WriteSignature(_keys[0], name, value, signature);
        return string.Concat(value, ".", signature);
    }

    internal string? Verify(string name, string raw)
    {
        var dot = raw.LastIndexOf('.');
        if (dot <= 0 || raw.Length - dot - 1 != SignatureChars) return null;
        var value = raw[..dot];
        var actual = MemoryMarshal.AsBytes(raw.AsSpan(dot + 1));
        Span<char> expected = stackalloc char[SignatureChars];
        var valid = false;
        // Every key is tried, so the time taken does not tell which key (if any) signed the cookie.
        foreach (var key in _keys)
        {
            WriteSignature(key, name, value, expected);
            valid |= CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), actual);
        }
        return valid ? value : null;
    }

    /// <summary>Characters of a signature: 128 bits in base64url, unpadded.</summary>
    private const int SignatureChars = 22;

    /// <summary>
    /// HMAC-SHA256 of <c>name=value</c>, truncated to 128 bits, as base64url into <paramref name="destination"/>; made on
    /// the stack (four signatures per /v1 request, so no strings or arrays for them).
    /// </summary>
    private static void WriteSignature(byte[] key, string name, string value, Span<char> destination)
    {
        // The cookie name is part of the signed text, so a visitor id cannot be replayed as a session id.
        var length = Encoding.UTF8.GetMaxByteCount(name.Length + 1 + value.Length);
        var text = length > 512 ? new byte[length] : stackalloc byte[length];
        var at = Encoding.UTF8.GetBytes(name, text);
        text[at++] = (byte)'=';
        at += Encoding.UTF8.GetBytes(value, text[at..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, text[..at], mac);
        Base64Url.EncodeToChars(mac[..16], destination);
    }
}

/// <summary>What a lease cookie names: the number, the lease's expiry when it was written, and the site's lease generation then (null: unknown).</summary>
public sealed record LeaseCookieValue(string Number, DateTimeOffset ExpiresAt, long? Generation);
