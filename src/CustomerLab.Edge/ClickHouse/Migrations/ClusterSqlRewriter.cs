using System.Text.RegularExpressions;

namespace CustomerLab.Edge.ClickHouse.Migrations;

/// <summary>
/// Produces the cluster variant of the single-server migration files, so one set of SQL files serves both:
/// each <c>*MergeTree</c> table <c>t</c> becomes <c>t_local</c> (<c>Replicated*MergeTree</c>, <c>ON CLUSTER</c>)
/// plus a <c>Distributed</c> table <c>t</c> over it; views, materialized views, ALTERs and CREATE DATABASE get
/// <c>ON CLUSTER</c>, and materialized views read from and write to the local tables (inserts through the
/// Distributed table land on each shard's local table, which is what a materialized view sees).
/// Stateful: feed it the statements in migration order.
/// </summary>
internal sealed partial class ClusterSqlRewriter(string cluster, string database)
{
    /// <summary>Suffix of the replicated table behind each Distributed table.</summary>
    public const string LocalSuffix = "_local";

    private readonly HashSet<string> _replicated = new(StringComparer.Ordinal);

    /// <summary>Tells the rewriter about tables created by statements it did not see (for example the migrations table).</summary>
    public void KnowReplicated(string table) => _replicated.Add(table);

    public IReadOnlyList<string> Rewrite(string statement)
    {
        var s = statement.Trim();
        if (CreateTable().Match(s) is { Success: true } table)
            return RewriteCreateTable(s, table);
        if (CreateView().Match(s) is { Success: true } view)
            return [RewriteView(s, view)];
        if (AlterTable().Match(s) is { Success: true } alter)
            return RewriteAlter(s, alter);
        if (CreateDatabase().Match(s) is { Success: true } db)
            return [s.Insert(db.Index + db.Length, $" ON CLUSTER {cluster}")];
        return [s];
    }

    private IReadOnlyList<string> RewriteCreateTable(string s, Match head)
    {
        var name = head.Groups["name"].Value;
        var engine = Engine().Match(s);
        if (!engine.Success)
            return [s.Insert(head.Index + head.Length, $" ON CLUSTER {cluster}")];

        var local = name + LocalSuffix;
        _replicated.Add(name);
        var args = engine.Groups["args"].Value.Trim();
        var replicatedEngine =
            $"ENGINE = Replicated{engine.Groups["kind"].Value}MergeTree('/clickhouse/tables/{{shard}}/{database}/{local}', '{{replica}}'" +
            (args.Length > 0 ? ", " + args : "") + ")";
        var localSql = s[..head.Index] + $"CREATE TABLE IF NOT EXISTS {local} ON CLUSTER {cluster}" +
                       s[(head.Index + head.Length)..engine.Index] + replicatedEngine + s[(engine.Index + engine.Length)..];
        var distributed = $"CREATE TABLE IF NOT EXISTS {name} ON CLUSTER {cluster} AS {local} " +
                          $"ENGINE = Distributed({cluster}, {database}, {local}, rand())";
        return [localSql, distributed];
    }

    private string RewriteView(string s, Match head)
    {
        var withCluster = s.Insert(head.Index + head.Length, $" ON CLUSTER {cluster}");
        if (!head.Groups["materialized"].Success)
            return withCluster;
        // A materialized view fires on inserts into the shard-local table and writes to the local target.
        return TableReference().Replace(withCluster, m =>
            _replicated.Contains(m.Groups["name"].Value) ? m.Groups["kw"].Value + m.Groups["name"].Value + LocalSuffix : m.Value);
    }

    private IReadOnlyList<string> RewriteAlter(string s, Match head)
    {
        var name = head.Groups["name"].Value;
        var rest = s[(head.Index + head.Length)..];
        if (!_replicated.Contains(name))
            return [$"ALTER TABLE {name} ON CLUSTER {cluster}{rest}"];
        var statements = new List<string> { $"ALTER TABLE {name}{LocalSuffix} ON CLUSTER {cluster}{rest}" };
        // Column changes must reach the Distributed table too; TTL, indexes and settings live on the local one.
        if (ColumnChange().IsMatch(rest))
            statements.Add($"ALTER TABLE {name} ON CLUSTER {cluster}{rest}");
        return statements;
    }

    [GeneratedRegex(@"^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^CREATE\s+(OR\s+REPLACE\s+)?(?<materialized>MATERIALIZED\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateView();

    [GeneratedRegex(@"^ALTER\s+TABLE\s+(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"^CREATE\s+DATABASE\s+(IF\s+NOT\s+EXISTS\s+)?\w+", RegexOptions.IgnoreCase)]
    private static partial Regex CreateDatabase();

    [GeneratedRegex(@"ENGINE\s*=\s*(?<kind>\w*)MergeTree(\s*\((?<args>[^)]*)\))?", RegexOptions.IgnoreCase)]
    private static partial Regex Engine();

    [GeneratedRegex(@"(?<kw>\b(?:FROM|JOIN|TO)\s+)(?<name>\w+)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TableReference();

    [GeneratedRegex(@"\b(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b", RegexOptions.IgnoreCase)]
    private static partial Regex ColumnChange();
}
