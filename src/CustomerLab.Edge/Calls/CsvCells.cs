using System.Globalization;
using System.Text;

namespace CustomerLab.Edge.Calls;

/// <summary>CSV rows for the exports and the console: RFC 4180 quoting, and the cells a spreadsheet would run as a formula (CSV injection).</summary>
internal static class CsvCells
{
    /// <summary>
    /// True when the cell starts with = + - @ or with TAB, CR or LF (OWASP's list), or with spaces before one of those
    /// (spreadsheets trim them). A leading + or - followed only by digits, '.', spaces, '(' ')' (a signed number or
    /// a phone number such as +1 202 555 0100) is data and stays; a leading = never does, not even <c>=1</c>.
    /// </summary>
    public static bool NeedsNeutralising(string text)
    {
        var trimmed = text.AsSpan().TrimStart(' ');
        if (trimmed.Length == 0) return false;
        var first = trimmed[0];
        if (first is '\t' or '\r' or '\n' or '=' or '@') return true;
        if (first is not ('+' or '-')) return false;
        if (trimmed.Length == 1) return true;
        foreach (var c in trimmed[1..])
            if (!(char.IsAsciiDigit(c) || c is '.' or ' ' or '(' or ')')) return true;
        return false;
    }

    /// <summary>RFC 4180: quote a field holding a comma, quote or line break; double the quotes.</summary>
    public static void AppendRow(StringBuilder csv, object?[] row)
    {
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0) csv.Append(',');
            var text = row[i] switch
            {
                null or DBNull => "",
                DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var o => o.ToString() ?? "",
            };
            // A leading = + - @ (or TAB, CR, LF, space before one, which spreadsheets skip) would run as a formula: prefix
            // a quote (CSV injection, OWASP). Only a sign followed by a plain number or phone number stays as it is.
            if (CsvCells.NeedsNeutralising(text)) text = "'" + text;
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0) csv.Append('"').Append(text.Replace("\"", "\"\"")).Append('"');
            else csv.Append(text);
        }
        csv.Append("\r\n");
    }
}
