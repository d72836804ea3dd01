using System.Collections.Concurrent;
using System.Text;

namespace CustomerLab.Edge.Assets;

/// <summary>
/// A text file compiled into the edge (HTML pages, Lua scripts and the squashed ClickHouse schema, embedded by the
/// project file under their path in the project, such as <c>Numbers/Lua/assign.lua</c>), so there is nothing to deploy beside the binary and each file
/// sits next to the code that uses it.
/// </summary>
internal static class EmbeddedFile
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The file's text; a path that is not embedded is a programming error and throws.</summary>
    public static string Read(string path) => Cache.GetOrAdd(path, static p =>
    {
        using var stream = typeof(EmbeddedFile).Assembly.GetManifestResourceStream(p)
            ?? throw new InvalidOperationException($"'{p}' is not embedded in the edge (the project file embeds **/*.html, **/*.lua and ClickHouse/Migrations/Squashed/*.sql).");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });
}
