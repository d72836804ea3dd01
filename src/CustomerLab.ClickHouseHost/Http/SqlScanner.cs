namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// Just enough of ClickHouse's lexer to find the first keyword and a FORMAT clause in UTF-8 query
/// text: it skips whitespace, comments, string literals and quoted identifiers, and tracks bracket
/// depth so that <c>format(...)</c> calls or words inside subqueries are not mistaken for a clause.
/// </summary>
internal ref struct SqlScanner(ReadOnlySpan<byte> text)
{
    private readonly ReadOnlySpan<byte> _text = text;
    private int _pos;
    private int _depth;

    /// <summary>Start of the token last returned by <see cref="NextWord"/>.</summary>
    public int TokenStart { get; private set; }

    /// <summary>Position just after the token last returned.</summary>
    public readonly int Position => _pos;

    /// <summary>Bracket depth at the token last returned (0 = top level).</summary>
    public readonly int Depth => _depth;

    /// <summary>Advances to the next bare word (identifier or keyword); false at the end of the text.</summary>
    public bool NextWord(out ReadOnlySpan<byte> word)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (IsWordStart(c))
            {
                TokenStart = _pos;
                while (_pos < _text.Length && IsWordPart(_text[_pos])) _pos++;
                word = _text[TokenStart.._pos];
                return true;
            }
            switch (c)
            {
                case (byte)'\'' or (byte)'"' or (byte)'`':
                    SkipQuoted(c);
                    break;
                case (byte)'-' when Peek(1) == '-':
                case (byte)'#':
                    while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
                    break;
                case (byte)'/' when Peek(1) == '*':
                    var end = _text[(_pos + 2)..].IndexOf("*/"u8);
                    _pos = end < 0 ? _text.Length : _pos + 2 + end + 2;
                    break;
                case (byte)'(' or (byte)'[' or (byte)'{':
                    _depth++;
                    _pos++;
                    break;
                case (byte)')' or (byte)']' or (byte)'}':
                    if (_depth > 0) _depth--;
                    _pos++;
                    break;
                case >= (byte)'0' and <= (byte)'9':
                    // Numbers such as 1e10 or 0x1F must not yield words.
                    while (_pos < _text.Length && IsWordPart(_text[_pos])) _pos++;
                    break;
                default:
                    _pos++;
                    break;
            }
        }
        word = default;
        return false;
    }

    /// <summary>The next character that is not whitespace, or 0 at the end.</summary>
    public readonly byte PeekNonSpace()
    {
        for (var i = _pos; i < _text.Length; i++)
        {
            if (!IsSpace(_text[i])) return _text[i];
        }
        return 0;
    }

    private readonly int Peek(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : 0;

    private void SkipQuoted(byte quote)
    {
        _pos++;
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == '\\') _pos++;
            else if (c == quote)
            {
                if (_pos < _text.Length && _text[_pos] == quote) _pos++; // doubled quote is an escaped quote
                else return;
            }
        }
    }

    public static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v';

    private static bool IsWordStart(byte c) => c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= 0x80;

    private static bool IsWordPart(byte c) => IsWordStart(c) || c is >= (byte)'0' and <= (byte)'9';

    /// <summary>The first word of <paramref name="text"/> (e.g. <c>SELECT</c>, <c>INSERT</c>), or empty.</summary>
    public static ReadOnlySpan<byte> FirstWord(ReadOnlySpan<byte> text)
    {
        var scanner = new SqlScanner(text);
        return scanner.NextWord(out var word) ? word : default;
    }

    /// <summary>Name of the last top-level <c>FORMAT name</c> clause, or empty when there is none.</summary>
    public static ReadOnlySpan<byte> FindOutputFormat(ReadOnlySpan<byte> text)
    {
        var scanner = new SqlScanner(text);
        ReadOnlySpan<byte> found = default;
        while (scanner.NextWord(out var word))
        {
            if (scanner.Depth == 0 && word.Length == 6 && System.Text.Ascii.EqualsIgnoreCase(word, "FORMAT"u8)
                && scanner.NextWord(out var name) && scanner.Depth == 0 && scanner.PeekNonSpace() != '(')
            {
                found = name;
            }
        }
        return found;
    }
}
