namespace CustomerLab.Edge.Calls.Texts;

/// <summary>
/// The opt-out keywords a text may be, as Twilio's default opt-out handling knows them (a text that is only the word,
/// any case): STOP and its synonyms end replies to the sender, START and its synonyms resume them, HELP and INFO ask
/// for help.
/// </summary>
internal static class TextKeywords
{
    public const string Stop = "stop", Start = "start", Help = "help";

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
        { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "STOP ALL", "OPT OUT" };

    private static readonly HashSet<string> StartWords = new(StringComparer.OrdinalIgnoreCase) { "START", "YES", "UNSTOP" };

    private static readonly HashSet<string> HelpWords = new(StringComparer.OrdinalIgnoreCase) { "HELP", "INFO" };

    /// <summary><see cref="Stop"/>, <see cref="Start"/>, <see cref="Help"/>, or empty for an ordinary text.</summary>
    public static string Of(string body)
    {
        var word = body.Trim().TrimEnd('.', '!');
        if (word.Length > 12) return "";
        return StopWords.Contains(word) ? Stop : StartWords.Contains(word) ? Start : HelpWords.Contains(word) ? Help : "";
    }
}
