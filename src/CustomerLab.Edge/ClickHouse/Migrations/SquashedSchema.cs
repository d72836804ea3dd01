using System.Text;
using System.Text.RegularExpressions;

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
    private const string Prefix = "CustomerLab.Edge.ClickHouse.Migrations.Squashed.";

    /// <summary>Whether an embedded resource is the squashed schema rather than a migration file.</summary>
    public static bool IsSquashed(string resourceName) => resourceName.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The embedded squashed schema, or null when there is none.</summary>
    public static SquashedSchema? LoadEmbedded()
    {
        var assembly = typeof(SquashedSchema).Assembly;
        var resource = assembly.GetManifestResourceNames().Where(IsSquashed).SingleOrDefault();
        if (resource is null) return null;
        var match = Regex.Match(resource[Prefix.Length..], @"^through_(\d+)\.sql$");
        if (!match.Success) throw new InvalidOperationException($"Squashed schema '{resource}' is not named through_NNNN.sql.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new SquashedSchema(uint.Parse(match.Groups[1].Value), Migration.SplitStatements(reader.ReadToEnd()));
    }
}
