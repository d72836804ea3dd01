using ClickHouse.Driver;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.ClickHouse.Migrations;

/// <summary>
/// Applies the embedded <c>NNNN_name.sql</c> files in version order, once each, and records every one in
/// <c>schema_migrations</c> (version, name, checksum, when, by which host). Idempotent: statements use
/// <c>IF NOT EXISTS</c>, applied versions are skipped, and several edges migrating at once converge.
/// With <see cref="ClickHouseOptions.Cluster"/> set, the same files run in their cluster variant. A database with no
/// table yet (and no cluster) gets the <see cref="SquashedSchema"/> instead of the files it includes, which are then
/// recorded as applied like the rest.
/// </summary>
internal sealed partial class ClickHouseMigrator(ClickHouseClient client, IOptions<ClickHouseOptions> options, TimeProvider time, ILogger<ClickHouseMigrator> logger)
{
    private readonly ClickHouseOptions _options = options.Value;

    private const string MigrationsTable = "schema_migrations";

    private const string CreateMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations
        (
            version    UInt32,
            name       String,
            checksum   String,
            applied_at DateTime64(3, 'UTC'),
            applied_by String
        )
        ENGINE = ReplacingMergeTree(applied_at)
        ORDER BY version
        """;

    /// <summary>Applies what is pending and returns the schema version reached.</summary>
    public Task<uint> MigrateAsync(CancellationToken cancellationToken) =>
        MigrateAsync(Migration.LoadEmbedded(), cancellationToken, SquashedSchema.LoadEmbedded());

    internal async Task<uint> MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken, SquashedSchema? squashed = null)
    {
        var rewriter = CreateRewriter();
        var createDatabase = $"CREATE DATABASE IF NOT EXISTS {_options.Database}";
        foreach (var sql in rewriter?.Rewrite(createDatabase) ?? [createDatabase])
            await client.ExecuteNonQueryAsync(sql, options: new QueryOptions { Database = "default" }, cancellationToken: cancellationToken);
        await ExecuteAsync(rewriter, CreateMigrationsTable, cancellationToken);

        var applied = await ReadAppliedAsync(cancellationToken);
        uint squashedThrough = 0;
        if (squashed is not null && rewriter is null && applied.Count == 0 && await HasNoTablesAsync(cancellationToken))
        {
            foreach (var statement in squashed.Statements) await ExecuteAsync(null, statement, cancellationToken);
            squashedThrough = squashed.Through;
        }
        uint version = 0;
        // Applied files are recorded in one insert at the end (or when one fails): a fresh database then costs one
        // insert, not one per file. A run stopped before recording repeats those files next time, which is harmless
        // because every statement is idempotent.
        var newlyApplied = new List<object[]>();
        try
        {
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                        throw new MigrationException(
                            $"migration {migration.Name} was changed after it was applied (recorded checksum {checksum[..12]}…, file {migration.Checksum[..12]}…); add a new migration instead.");
                    // Replay the statements of applied files through the rewriter so later ALTERs know the tables.
                    foreach (var statement in migration.Statements) rewriter?.Rewrite(statement);
                    version = migration.Version;
                    continue;
                }
                if (migration.Version > squashedThrough)
                    foreach (var statement in migration.Statements)
                        await ExecuteAsync(rewriter, statement, cancellationToken);
                newlyApplied.Add([migration.Version, migration.Name, migration.Checksum, time.GetUtcNow().UtcDateTime, Environment.MachineName]);
                LogApplied(logger, migration.Name, _options.Database);
                version = migration.Version;
            }
        }
        catch when (newlyApplied.Count > 0)
        {
            // Keep what did apply; the failure that stopped the run is the one to report, so a failed record is dropped.
            try { await RecordAsync(newlyApplied, CancellationToken.None); }
            catch (Exception recordFailure) when (recordFailure is not OutOfMemoryException) { }
            throw;
        }
        if (newlyApplied.Count > 0) await RecordAsync(newlyApplied, cancellationToken);
        return version;
    }

    private Task RecordAsync(List<object[]> rows, CancellationToken cancellationToken) =>
        client.InsertBinaryAsync(MigrationsTable, ["version", "name", "checksum", "applied_at", "applied_by"], rows,
            client.InsertOptions(schemaSettled: false), cancellationToken: cancellationToken);

    /// <summary>Every statement a migration run would execute, for review by a DBA (<c>--print-migrations</c>).</summary>
    public IEnumerable<string> Plan(IReadOnlyList<Migration> migrations)
    {
        var rewriter = CreateRewriter();
        var createDatabase = $"CREATE DATABASE IF NOT EXISTS {_options.Database}";
        foreach (var sql in rewriter?.Rewrite(createDatabase) ?? [createDatabase]) yield return sql;
        foreach (var sql in rewriter?.Rewrite(CreateMigrationsTable) ?? [CreateMigrationsTable]) yield return sql;
        foreach (var migration in migrations)
            foreach (var statement in migration.Statements)
                foreach (var sql in rewriter?.Rewrite(statement) ?? [statement])
                    yield return sql;
    }

    private ClusterSqlRewriter? CreateRewriter() =>
        string.IsNullOrEmpty(_options.Cluster) ? null : new ClusterSqlRewriter(_options.Cluster, _options.Database);

    private async Task ExecuteAsync(ClusterSqlRewriter? rewriter, string statement, CancellationToken cancellationToken)
    {
        foreach (var sql in rewriter?.Rewrite(statement) ?? [statement])
            await client.ExecuteNonQueryAsync(sql, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Whether the database holds no table but the migrations table: only then is the squashed schema the same as the
    /// files (a run that stopped before recording may have left some of their tables, of an earlier shape).
    /// </summary>
    private async Task<bool> HasNoTablesAsync(CancellationToken cancellationToken) =>
        Convert.ToUInt64(await client.ExecuteScalarAsync(
            $"SELECT count() FROM system.tables WHERE database = '{_options.Database}' AND name != '{MigrationsTable}'",
            cancellationToken: cancellationToken)) == 0;

    private async Task<Dictionary<uint, string>> ReadAppliedAsync(CancellationToken cancellationToken)
    {
        var applied = new Dictionary<uint, string>();
        using var reader = await client.ExecuteReaderAsync(
            $"SELECT version, argMax(checksum, applied_at) FROM {MigrationsTable} GROUP BY version", cancellationToken: cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            applied[Convert.ToUInt32(reader.GetValue(0))] = reader.GetString(1);
        return applied;
    }

    [LoggerMessage(2001, LogLevel.Information, "Applied ClickHouse migration {Migration} to database {Database}", EventName = "MigrationApplied")]
    private static partial void LogApplied(ILogger logger, string migration, string database);
}

/// <summary>A migration problem that retrying cannot fix.</summary>
internal sealed class MigrationException(string message) : Exception(message);
