using System.Text;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// ClickHouse's error conventions on the HTTP interface: the code in <c>X-ClickHouse-Exception-Code</c>,
/// the message as the body, and the HTTP status ClickHouse derives from the code
/// (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp).
/// </summary>
internal static class ClickHouseErrors
{
    public const int SyntaxError = 62;
    public const int UnknownSetting = 115;
    public const int TooManySimultaneousQueries = 202;
    public const int QueryIsTooLarge = 229;
    public const int UnsupportedMethod = 1;
    public const int AuthenticationFailed = 516;
    public const int UnknownException = 1002;

    /// <summary>Maps an exception code to the HTTP status the way ClickHouse 24+ does.</summary>
    public static int HttpStatus(int code) => code switch
    {
        194 => 401, // REQUIRED_PASSWORD
        192 or 193 or 516 or 512 or 497 => 403, // UNKNOWN_USER, WRONG_PASSWORD, AUTHENTICATION_FAILED, SET_NON_GRANTED_ROLE, ACCESS_DENIED
        36 or 427 or 6 or 25 or 26 or 38 or 41 or 72 or 441 or 675 or 676 or 27 or 376 or 15 or 44 or 37 or 123 or 8
            or 167 or 168 or 223 or 62 or 117 or 53 or 321 => 400, // BAD_ARGUMENTS, CANNOT_PARSE_*, DUPLICATE_COLUMN, ..., SYNTAX_ERROR, INCORRECT_DATA, TYPE_MISMATCH
        60 or 46 or 47 or 50 or 56 or 81 or 115 or 152 or 63 or 73 or 336 or 78 or 511 => 404, // UNKNOWN_TABLE, _FUNCTION, _IDENTIFIER, _TYPE, _STORAGE, _DATABASE, _SETTING, ...
        229 => 413, // QUERY_IS_TOO_LARGE
        48 => 501, // NOT_IMPLEMENTED
        209 or 76 or 439 or 202 => 503, // SOCKET_TIMEOUT, CANNOT_OPEN_FILE, CANNOT_SCHEDULE_TASK; 202 is what an overloaded server answers
        381 => 411, // HTTP_LENGTH_REQUIRED
        159 => 408, // TIMEOUT_EXCEEDED
        779 => 415, // UNSUPPORTED_MEDIA_TYPE
        _ => 500,
    };

    /// <summary>Reads N from a message shaped <c>Code: N. DB::Exception: ...</c>; 1002 (UNKNOWN_EXCEPTION) otherwise.</summary>
    public static int ParseCode(string message)
    {
        var span = message.AsSpan().TrimStart();
        if (!span.StartsWith("Code: ")) return UnknownException;
        span = span[6..];
        var end = span.IndexOf('.');
        return end > 0 && int.TryParse(span[..end], out var code) ? code : UnknownException;
    }

    /// <summary>
    /// The body ClickHouse sends: <c>Code: N. DB::Exception: message. (NAME) (version X)</c> plus a newline.
    /// chDB's messages already have the prefix; the version suffix is added when missing.
    /// </summary>
    public static string Format(string message, string version)
    {
        var text = message.TrimEnd();
        var sb = new StringBuilder(text.Length + 40).Append(text);
        if (!text.Contains("(version ", StringComparison.Ordinal)) sb.Append(" (version ").Append(version).Append(')');
        return sb.Append('\n').ToString();
    }

    /// <summary>An error raised by the host itself, in the engine's words and shape.</summary>
    public static string Create(int code, string name, string message) => $"Code: {code}. DB::Exception: {message}. ({name})";
}
