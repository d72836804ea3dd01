using StackExchange.Redis;

namespace CustomerLab.Edge.Redis;

/// <summary>Turns the configured Redis URL into StackExchange.Redis options.</summary>
internal static class RedisUrl
{
    /// <summary>
    /// Parses <c>redis://[user:password@]host:port[/db]</c> (and <c>rediss://</c> for TLS) or a
    /// StackExchange.Redis configuration string. Returns false with a reason when it names no endpoint.
    /// </summary>
    public static bool TryParse(string value, out ConfigurationOptions options, out string error)
    {
        options = new ConfigurationOptions();
        error = "";
        try
        {
            if (value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ||
                value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            {
                var uri = new Uri(value);
                if (string.IsNullOrEmpty(uri.Host) || uri.Port <= 0)
                {
                    error = "it needs a host and a port";
                    return false;
                }
                options.EndPoints.Add(uri.Host, uri.Port);
                options.Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase);
                if (uri.UserInfo.Length > 0)
                {
                    var parts = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
                    if (parts.Length == 2)
                    {
                        if (parts[0].Length > 0) options.User = parts[0];
                        options.Password = parts[1];
                    }
                    else options.Password = parts[0];
                }
                var path = uri.AbsolutePath.Trim('/');
                if (path.Length > 0)
                {
                    if (!int.TryParse(path, out var db) || db < 0)
                    {
                        error = $"'{path}' is not a database number";
                        return false;
                    }
                    options.DefaultDatabase = db;
                }
                return true;
            }
            if (value.Contains("://", StringComparison.Ordinal))
            {
                error = "only redis:// and rediss:// URLs are understood";
                return false;
            }
            options = ConfigurationOptions.Parse(value);
            if (options.EndPoints.Count == 0)
            {
                error = "it names no endpoint";
                return false;
            }
            return true;
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }
    }
}
