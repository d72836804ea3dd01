namespace CustomerLab.Edge.Calls;

/// <summary>Which CSV cells a spreadsheet would run as a formula (CSV injection).</summary>
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
}
