using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CustomerLab.Edge.ClickHouse.Migrations;

/// <summary>One versioned schema file, <c>NNNN_name.sql</c>, embedded in the edge.</summary>
/// <param name="Version">The number before the first underscore.</param>
/// <param name="Name">The file name.</param>
/// <param name="Statements">Statements in order; each ends where a line ends with a semicolon.</param>
/// <param name="Checksum">SHA-256 of the file, hex; a file changed after it was applied stops start-up.</param>
internal sealed record Migration(uint Version, string Name, IReadOnlyList<string> Statements, string Checksum)
{
    /// <summary>Every embedded migration, ordered by version.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migration).Assembly;
        const string prefix = "CustomerLab.Edge.ClickHouse.Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(Parse(resource[prefix.Length..], reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
            if (migrations[i].Version == migrations[i - 1].Version)
                throw new InvalidOperationException($"Two migrations share version {migrations[i].Version}: {migrations[i - 1].Name}, {migrations[i].Name}.");
        return migrations;
    }

    /// <summary>Parses one file's text.</summary>
    public static Migration Parse(string fileName, string sql)
    {
        var match = Regex.Match(fileName, @"^(\d+)_[A-Za-z0-9_]+\.sql$");
        if (!match.Success)
            throw new InvalidOperationException($"Migration file '{fileName}' is not named NNNN_name.sql.");
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
        return new Migration(uint.Parse(match.Groups[1].Value), fileName, SplitStatements(sql), checksum);
    }

    /// <summary>Drops whole-line <c>--</c> comments and splits at lines ending with <c>;</c>.</summary>
    internal static List<string> SplitStatements(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        foreach (var rawLine in sql.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = rawLine.TrimEnd();
            if (line.TrimStart().StartsWith("--", StringComparison.Ordinal) || line.Length == 0)
                continue;
            if (line.EndsWith(';'))
            {
                current.Append(line.AsSpan(0, line.Length - 1));
                statements.Add(current.ToString().Trim());
                current.Clear();
            }
            else current.Append(line).Append('\n');
        }
        if (current.ToString().Trim() is { Length: > 0 } rest)
            statements.Add(rest);
        return statements;
    }
}
