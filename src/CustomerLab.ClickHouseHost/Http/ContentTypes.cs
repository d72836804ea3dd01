namespace CustomerLab.ClickHouseHost.Http;

/// <summary>Content-Type of each output format, following ClickHouse's output formats.</summary>
internal static class ContentTypes
{
    public static string For(string format)
    {
        var f = format.AsSpan();
        if (f.StartsWith("TabSeparated", StringComparison.OrdinalIgnoreCase) || f.StartsWith("TSV", StringComparison.OrdinalIgnoreCase))
            return "text/tab-separated-values; charset=UTF-8";
        if (f.StartsWith("CSV", StringComparison.OrdinalIgnoreCase)) return "text/csv; charset=UTF-8";
        if (f.StartsWith("JSON", StringComparison.OrdinalIgnoreCase))
            return f.Contains("EachRow", StringComparison.OrdinalIgnoreCase) || f.Equals("JSONLines", StringComparison.OrdinalIgnoreCase)
                ? "application/x-ndjson; charset=UTF-8"
                : "application/json; charset=UTF-8";
        if (f.Equals("NDJSON", StringComparison.OrdinalIgnoreCase)) return "application/x-ndjson; charset=UTF-8";
        if (f.Equals("XML", StringComparison.OrdinalIgnoreCase)) return "application/xml; charset=UTF-8";
        if (f.StartsWith("Pretty", StringComparison.OrdinalIgnoreCase) || f.Equals("Vertical", StringComparison.OrdinalIgnoreCase)
            || f.Equals("Markdown", StringComparison.OrdinalIgnoreCase) || f.Equals("Values", StringComparison.OrdinalIgnoreCase)
            || f.Equals("TSKV", StringComparison.OrdinalIgnoreCase) || f.StartsWith("Raw", StringComparison.OrdinalIgnoreCase)
            || f.Equals("LineAsString", StringComparison.OrdinalIgnoreCase) || f.Equals("SQLInsert", StringComparison.OrdinalIgnoreCase)
            || f.Equals("Null", StringComparison.OrdinalIgnoreCase) || f.StartsWith("CustomSeparated", StringComparison.OrdinalIgnoreCase)
            || f.Equals("Template", StringComparison.OrdinalIgnoreCase))
            return "text/plain; charset=UTF-8";
        return "application/octet-stream";
    }
}
