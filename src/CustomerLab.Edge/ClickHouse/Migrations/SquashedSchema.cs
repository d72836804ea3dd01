using System.Text.RegularExpressions;
using CustomerLab.Edge.Assets;

namespace CustomerLab.Edge.ClickHouse.Migrations;

/// <summary>
/// The schema that every migration up to <paramref name="Through"/> builds, as one file of <c>CREATE … IF NOT EXISTS</c>
/// statements (<c>Squashed/through_NNNN.sql</c>): a database with no table yet gets it in a third of the work the files
/// take one by one (no <c>ALTER</c>s, no views made and replaced).
/// </summary>
/// <param name="Through">The version of the last migration it includes.</param>
/// <param name="Statements">Its statements in order.</param>
internal sealed record SquashedSchema(uint Through, IReadOnlyList<string> Statements)
{
    private const string Folder = "ClickHouse/Migrations/Squashed/";

    /// <summary>The embedded squashed schema, or null when there is none.</summary>
    public static SquashedSchema? LoadEmbedded()
    {
        var path = typeof(SquashedSchema).Assembly.GetManifestResourceNames().SingleOrDefault(n => n.StartsWith(Folder, StringComparison.Ordinal));
        if (path is null) return null;
        var match = Regex.Match(path[Folder.Length..], @"^through_(\d+)\.sql$");
        if (!match.Success) throw new InvalidOperationException($"Squashed schema '{path}' is not named through_NNNN.sql.");
        return new SquashedSchema(uint.Parse(match.Groups[1].Value), Migration.SplitStatements(EmbeddedFile.Read(path)));
    }
}
