using System.Text;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// Splits <c>INSERT ... FORMAT name</c> from the data that follows it in the same text, as
/// ClickHouse's parser does, so the data can be streamed to the engine without being parsed as SQL
/// (ClickHouse.Driver's bulk copy sends <c>INSERT INTO t (cols) FORMAT RowBinary</c> and binary rows
/// in one body). <c>INSERT ... VALUES</c> and <c>INSERT ... SELECT</c> are not split.
/// </summary>
internal static class InsertSplitter
{
    /// <summary>Where the parts of an INSERT with a data body are in the query text.</summary>
    public readonly record struct Split(int StatementLength, int FormatStart, int FormatLength, int DataStart);

    public static bool TrySplit(ReadOnlySpan<byte> text, out Split split)
    {
        split = default;
        var scanner = new SqlScanner(text);
        if (!scanner.NextWord(out var first) || !Ascii.EqualsIgnoreCase(first, "INSERT"u8)) return false;
        while (scanner.NextWord(out var word))
        {
            if (scanner.Depth != 0) continue;
            // VALUES data is SQL literals: the ordinary path handles it, and scanning it all is wasted work.
            if (Ascii.EqualsIgnoreCase(word, "VALUES"u8) || Ascii.EqualsIgnoreCase(word, "SELECT"u8)) return false;
            if (!Ascii.EqualsIgnoreCase(word, "FORMAT"u8)) continue;
            var formatKeyword = scanner.TokenStart;
            if (!scanner.NextWord(out _)) return false;
            var formatStart = scanner.TokenStart;
            var formatLength = scanner.Position - formatStart;
            if (Ascii.EqualsIgnoreCase(text.Slice(formatStart, formatLength), "Values"u8)) return false;
            split = new Split(formatKeyword, formatStart, formatLength, DataStart(text, scanner.Position));
            return true;
        }
        return false;
    }

    /// <summary>
    /// ClickHouse's rule: data starts after the first newline following the format name, or after
    /// the spaces/tabs if there is no newline. Binary data starting with a space byte survives only
    /// because clients always put a newline there (the driver does).
    /// </summary>
    private static int DataStart(ReadOnlySpan<byte> text, int pos)
    {
        while (pos < text.Length && text[pos] is (byte)' ' or (byte)'\t' or (byte)'\f') pos++;
        if (pos < text.Length && text[pos] == '\r') pos++;
        if (pos < text.Length && text[pos] == '\n') pos++;
        return pos;
    }
}
