using System.Globalization;

namespace CustomerLab.Edge.Backoffice;

/// <summary>How the console writes values into pages: times as ISO 8601 UTC, which console.js shows in the viewer's zone.</summary>
public static class ConsoleFormat
{
    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>Seconds as <c>m:ss</c> (or <c>h:mm:ss</c>).</summary>
    public static string Duration(long seconds) => seconds >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
}
