using System.Text;
using CustomerLab.ClickHouseHost.Chdb;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// Runs one request's statement on a borrowed connection: selects the database, applies the
/// request's settings for this query only, then executes it (streaming the data of an INSERT).
/// </summary>
internal static class QueryExecutor
{
    /// <summary>Executes and returns the engine's result; <paramref name="outputFormat"/> is the format the answer is in.</summary>
    public static ChdbResult Execute(ChdbConnection connection, QueryRequest request, ReadOnlySpan<byte> text, out string outputFormat)
    {
        outputFormat = request.DefaultFormat ?? "TabSeparated";
        if (UseDatabase(connection, request.Database) is { } useFailed) return useFailed;
        if (ApplySettings(connection, request.Settings) is { } setFailed) return setFailed;

        if (InsertSplitter.TrySplit(text, out var split))
        {
            return connection.Insert(text[..split.StatementLength], text.Slice(split.FormatStart, split.FormatLength), text[split.DataStart..]);
        }

        var first = SqlScanner.FirstWord(text);
        if (Ascii.EqualsIgnoreCase(first, "SET"u8))
        {
            // Without a session a SET only lives as long as its own query, as on a real server.
            // Running it would leak into the pooled connection, so it is answered without running.
            return connection.Query("SELECT 1 WHERE 0", "TabSeparated");
        }

        var clause = SqlScanner.FindOutputFormat(text);
        if (!clause.IsEmpty) outputFormat = Encoding.UTF8.GetString(clause);
        var result = request.Parameters.Count == 0
            ? connection.Query(text, outputFormat)
            : connection.QueryWithParams(text, outputFormat, request.Parameters);
        // A USE moves this connection; forget where it is so the next request re-selects its database.
        if (Ascii.EqualsIgnoreCase(first, "USE"u8)) connection.CurrentDatabase = null;
        return result;
    }

    private static ChdbResult? UseDatabase(ChdbConnection connection, string database)
    {
        if (connection.CurrentDatabase == database) return null;
        var result = connection.Query("USE " + QuoteIdentifier(database));
        if (result.Error is null)
        {
            connection.CurrentDatabase = database;
            result.Dispose();
            return null;
        }
        connection.CurrentDatabase = null;
        return result;
    }

    /// <summary>
    /// Makes the connection's settings equal to the request's: resets those a previous request left
    /// and sets the new ones, in one <c>SET</c>. Settings are thus scoped to one request without paying
    /// two extra statements when consecutive requests send the same ones (the driver always sends two).
    /// </summary>
    private static ChdbResult? ApplySettings(ChdbConnection connection, List<KeyValuePair<string, string>> settings)
    {
        var applied = connection.AppliedSettings;
        if (applied.Count == 0 && settings.Count == 0) return null;
        StringBuilder? sql = null;
        foreach (var (name, value) in settings)
        {
            if (!IsSettingName(name))
            {
                return ChdbResult.Failed(ClickHouseErrors.Create(ClickHouseErrors.UnknownSetting, "UNKNOWN_SETTING", $"Unknown setting '{name}'"));
            }
            if (applied.TryGetValue(name, out var current) && current == value) continue;
            Append(ref sql, name).Append(" = ").Append(QuoteString(value));
        }
        foreach (var name in applied.Keys)
        {
            if (!Contains(settings, name)) Append(ref sql, name).Append(" = DEFAULT");
        }
        if (sql is null) return null;

        var result = connection.Query(sql.ToString());
        if (result.Error is null)
        {
            result.Dispose();
            applied.Clear();
            foreach (var (name, value) in settings) applied[name] = value;
            return null;
        }
        ResetAll(connection, settings);
        return result;
    }

    /// <summary>After a failed SET the connection's state is unknown: reset every name involved, one by one.</summary>
    private static void ResetAll(ChdbConnection connection, List<KeyValuePair<string, string>> settings)
    {
        foreach (var (name, _) in settings) connection.Query($"SET {name} = DEFAULT").Dispose();
        foreach (var name in connection.AppliedSettings.Keys) connection.Query($"SET {name} = DEFAULT").Dispose();
        connection.AppliedSettings.Clear();
    }

    private static StringBuilder Append(ref StringBuilder? sql, string name) =>
        sql is null ? (sql = new StringBuilder("SET ")).Append(name) : sql.Append(", ").Append(name);

    private static bool Contains(List<KeyValuePair<string, string>> settings, string name)
    {
        foreach (var s in settings) if (s.Key == name) return true;
        return false;
    }

    private static bool IsSettingName(string name)
    {
        if (name.Length == 0) return false;
        foreach (var c in name) if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    public static string QuoteIdentifier(string name) => "`" + name.Replace("\\", "\\\\").Replace("`", "\\`") + "`";

    private static string QuoteString(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
