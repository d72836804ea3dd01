using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// What one HTTP request asks of the engine: URL parameters and <c>X-ClickHouse-*</c> headers sorted
/// into interface parameters, <c>param_*</c> query parameters and per-query settings.
/// </summary>
internal sealed class QueryRequest
{
    public string? UrlQuery { get; private set; }
    public string Database { get; private set; } = "default";
    public string? DefaultFormat { get; private set; }
    public string QueryId { get; private set; } = "";
    public string? User { get; private set; }
    public string? Password { get; private set; }
    public bool EnableHttpCompression { get; private set; }
    public List<KeyValuePair<string, string>> Parameters { get; } = [];
    public List<KeyValuePair<string, string>> Settings { get; } = [];

    public static QueryRequest Parse(HttpRequest request)
    {
        var result = new QueryRequest();
        foreach (var (key, values) in request.Query)
        {
            var value = values.ToString();
            if (key.StartsWith("param_", StringComparison.Ordinal)) result.Parameters.Add(new(key[6..], value));
            else if (!result.TryInterfaceParameter(key, value)) result.Settings.Add(new(key, value));
        }
        var headers = request.Headers;
        if (Header(headers, "X-ClickHouse-Database") is { } db) result.Database = db;
        if (Header(headers, "X-ClickHouse-Format") is { } fmt) result.DefaultFormat = fmt;
        if (Header(headers, "X-ClickHouse-User") is { } user) result.User = user;
        if (Header(headers, "X-ClickHouse-Key") is { } key2) result.Password = key2;
        if (result.User is null && headers.Authorization.ToString() is { Length: > 0 } auth) result.ReadBasicAuth(auth);
        if (string.IsNullOrEmpty(result.QueryId)) result.QueryId = Guid.NewGuid().ToString();
        return result;
    }

    /// <summary>Parameters of the HTTP interface itself, i.e. not ClickHouse settings.</summary>
    private bool TryInterfaceParameter(string key, string value)
    {
        switch (key)
        {
            case "query": UrlQuery = value; return true;
            case "database": if (value.Length > 0) Database = value; return true;
            case "default_format": if (value.Length > 0) DefaultFormat = value; return true;
            case "query_id": QueryId = value; return true;
            case "user": User = value; return true;
            case "password": Password = value; return true;
            case "enable_http_compression": EnableHttpCompression = value is "1" or "true" or "True"; return true;
            case "session_id" or "session_timeout" or "session_check" or "compress" or "decompress" or "buffer_size"
                or "wait_end_of_query" or "quota_key" or "stacktrace" or "role" or "client_protocol_version"
                // readonly would lock the pooled connection against resetting settings afterwards.
                or "readonly":
                return true;
            default:
                return key.StartsWith("http_", StringComparison.Ordinal);
        }
    }

    private void ReadBasicAuth(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var parsed)
            || !parsed.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || parsed.Parameter is null) return;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parsed.Parameter));
            var colon = decoded.IndexOf(':');
            User = colon < 0 ? decoded : decoded[..colon];
            Password = colon < 0 ? "" : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            User = "";
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out StringValues v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;
}
