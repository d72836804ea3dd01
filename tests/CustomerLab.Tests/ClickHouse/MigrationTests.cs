using ClickHouse.Driver;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.ClickHouse;

/// <summary>Schema migrations against the real ClickHouse engine (the local host over chDB).</summary>
public sealed class MigrationTests(ClickHouseHostFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrationsAppliedTwice_LeaveTheSameSchema()
    {
        var (database, client, migrator) = FreshDatabase(nameof(MigrationsAppliedTwice_LeaveTheSameSchema));
        using var _ = client;
        var embedded = Migration.LoadEmbedded();

        var first = await migrator.MigrateAsync(Ct);
        var schemaAfterFirst = await SchemaAsync(client, database);
        var second = await migrator.MigrateAsync(Ct);
        var schemaAfterSecond = await SchemaAsync(client, database);

        Assert.Equal(embedded[^1].Version, first);
        Assert.Equal(first, second);
        Assert.Equal(schemaAfterFirst, schemaAfterSecond);
        Assert.Contains("lease_history", schemaAfterFirst.Keys);
        Assert.Contains("schema_migrations", schemaAfterFirst.Keys);
        // Each file is recorded exactly once, with its checksum, however often the migrator runs.
        var recorded = await ScalarAsync<ulong>(client, "SELECT count() FROM schema_migrations FINAL");
        Assert.Equal((ulong)embedded.Count, recorded);
        var checksum = await client.ExecuteScalarAsync($"SELECT checksum FROM schema_migrations FINAL WHERE version = {embedded[0].Version}", cancellationToken: Ct);
        Assert.Equal(embedded[0].Checksum, checksum);
    }

    [Fact]
    public async Task NewMigration_IsApplied_AfterTheOnesAlreadyRecorded()
    {
        var (database, client, migrator) = FreshDatabase(nameof(NewMigration_IsApplied_AfterTheOnesAlreadyRecorded));
        using var _ = client;
        var one = Migration.Parse("0001_first.sql", "CREATE TABLE IF NOT EXISTS first (a UInt8) ENGINE = MergeTree ORDER BY a;");
        var two = Migration.Parse("0002_second.sql", "-- a comment line\nCREATE TABLE IF NOT EXISTS second (b UInt8)\nENGINE = MergeTree ORDER BY b;\nALTER TABLE first ADD COLUMN IF NOT EXISTS c String;");

        Assert.Equal(1u, await migrator.MigrateAsync([one], Ct));
        Assert.Equal(2u, await migrator.MigrateAsync([one, two], Ct));

        var schema = await SchemaAsync(client, database);
        Assert.Contains("second", schema.Keys);
        Assert.Contains("`c` String", schema["first"]);
    }

    [Fact]
    public async Task Migrator_RefusesToContinue_IfAnAppliedFileChanged()
    {
        var (_, client, migrator) = FreshDatabase(nameof(Migrator_RefusesToContinue_IfAnAppliedFileChanged));
        using var _ = client;
        await migrator.MigrateAsync([Migration.Parse("0001_t.sql", "CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a;")], Ct);

        var changed = Migration.Parse("0001_t.sql", "CREATE TABLE IF NOT EXISTS t (a UInt16) ENGINE = MergeTree ORDER BY a;");
        var error = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync([changed], Ct));

        Assert.Contains("0001_t.sql was changed after it was applied", error.Message);
    }

    [Fact]
    public async Task AFailingMigration_StopsTheRun_AndTheFilesBeforeItStayRecorded()
    {
        var (_, client, migrator) = FreshDatabase(nameof(AFailingMigration_StopsTheRun_AndTheFilesBeforeItStayRecorded));
        using var _ = client;
        var one = Migration.Parse("0001_first.sql", "CREATE TABLE IF NOT EXISTS first (a UInt8) ENGINE = MergeTree ORDER BY a;");
        var two = Migration.Parse("0002_second.sql", "CREATE TABLE IF NOT EXISTS second (b UInt8) ENGINE = MergeTree ORDER BY b;");
        var broken = Migration.Parse("0003_broken.sql", "ALTER TABLE no_such_table ADD COLUMN IF NOT EXISTS c String;");

        await Assert.ThrowsAnyAsync<Exception>(() => migrator.MigrateAsync([one, two, broken], Ct));

        Assert.Equal(2UL, await ScalarAsync<ulong>(client, "SELECT count() FROM schema_migrations FINAL WHERE version IN (1, 2)"));
        Assert.Equal(0UL, await ScalarAsync<ulong>(client, "SELECT count() FROM schema_migrations FINAL WHERE version = 3"));
        var fixedThree = Migration.Parse("0003_broken.sql", "ALTER TABLE first ADD COLUMN IF NOT EXISTS c String;");
        Assert.Equal(3u, await migrator.MigrateAsync([one, two, fixedThree], Ct));
    }

    [Fact]
    public async Task SquashedSchema_BuildsTheSameSchemaAsTheFilesOneByOne_AndRecordsTheSameFiles()
    {
        var (byFile, byFileClient, byFileMigrator) = FreshDatabase(nameof(SquashedSchema_BuildsTheSameSchemaAsTheFilesOneByOne_AndRecordsTheSameFiles) + "_files");
        var (bySquash, bySquashClient, bySquashMigrator) = FreshDatabase(nameof(SquashedSchema_BuildsTheSameSchemaAsTheFilesOneByOne_AndRecordsTheSameFiles) + "_squash");
        using var _ = byFileClient;
        using var __ = bySquashClient;
        var embedded = Migration.LoadEmbedded();
        var squashed = SquashedSchema.LoadEmbedded();
        Assert.NotNull(squashed);
        Assert.Contains(embedded, m => m.Version == squashed.Through);

        Assert.Equal(embedded[^1].Version, await byFileMigrator.MigrateAsync(embedded, Ct));
        Assert.Equal(embedded[^1].Version, await bySquashMigrator.MigrateAsync(embedded, Ct, squashed));

        // Every table and view, column by column with its comment, engine, key and settings, in one statement each.
        var expected = (await SchemaAsync(byFileClient, byFile)).ToDictionary(t => t.Key, t => t.Value.Replace($"{byFile}.", "", StringComparison.Ordinal));
        var actual = (await SchemaAsync(bySquashClient, bySquash)).ToDictionary(t => t.Key, t => t.Value.Replace($"{bySquash}.", "", StringComparison.Ordinal));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, create) in expected)
            Assert.True(create == actual[table], $"{table} differs from the files' schema; regenerate Squashed/through_NNNN.sql. Files: {create}");
        const string recorded = "SELECT groupArray((version, name, checksum)) FROM (SELECT * FROM schema_migrations FINAL ORDER BY version)";
        Assert.Equal(await ScalarAsync<string>(byFileClient, $"SELECT toString(({recorded}))"), await ScalarAsync<string>(bySquashClient, $"SELECT toString(({recorded}))"));
    }

    [Fact]
    public async Task SquashedSchema_StandsInForTheFilesItIncludes_OnlyInADatabaseWithNoTable()
    {
        var (database, client, migrator) = FreshDatabase(nameof(SquashedSchema_StandsInForTheFilesItIncludes_OnlyInADatabaseWithNoTable));
        using var _ = client;
        // File 0002 fails if it runs: the squash through 0002 must stand in for it; file 0003 comes after the squash.
        var one = Migration.Parse("0001_first.sql", "CREATE TABLE IF NOT EXISTS first (a UInt8) ENGINE = MergeTree ORDER BY a;");
        var two = Migration.Parse("0002_second.sql", "ALTER TABLE no_such_table ADD COLUMN IF NOT EXISTS c String;");
        var three = Migration.Parse("0003_third.sql", "ALTER TABLE first ADD COLUMN IF NOT EXISTS d String;");
        var squashed = new SquashedSchema(2, ["CREATE TABLE IF NOT EXISTS first (a UInt8, c String) ENGINE = MergeTree ORDER BY a"]);

        Assert.Equal(3u, await migrator.MigrateAsync([one, two, three], Ct, squashed));

        var schema = await SchemaAsync(client, database);
        Assert.Contains("`c` String", schema["first"]);
        Assert.Contains("`d` String", schema["first"]);
        Assert.Equal(3UL, await ScalarAsync<ulong>(client, "SELECT count() FROM schema_migrations FINAL WHERE version IN (1, 2, 3)"));

        // A database that already has a table (a run that stopped before recording) gets the files, not the squash.
        var (other, otherClient, otherMigrator) = FreshDatabase(nameof(SquashedSchema_StandsInForTheFilesItIncludes_OnlyInADatabaseWithNoTable) + "_begun");
        using var ___ = otherClient;
        await otherMigrator.MigrateAsync([one], Ct);
        await otherClient.ExecuteNonQueryAsync("TRUNCATE TABLE schema_migrations", cancellationToken: Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => otherMigrator.MigrateAsync([one, two, three], Ct, squashed));
        Assert.DoesNotContain("`c` String", (await SchemaAsync(otherClient, other))["first"]);
    }

    /// <summary>A database of the test's own (created by the first migration run), its client and a migrator for it.</summary>
    private (string Database, ClickHouseClient Client, ClickHouseMigrator Migrator) FreshDatabase(string test)
    {
        var database = EdgeApplication.DatabaseFor(test);
        var client = ClickHouseTestClient.Create(clickHouse.BaseUrl, database);
        return (database, client, ClickHouseTestClient.Migrator(client, clickHouse.BaseUrl, database));
    }

    private static async Task<Dictionary<string, string>> SchemaAsync(ClickHouseClient client, string database)
    {
        var schema = new Dictionary<string, string>();
        using var reader = await client.ExecuteReaderAsync(
            $"SELECT name, create_table_query FROM system.tables WHERE database = '{database}' ORDER BY name", cancellationToken: Ct);
        while (await reader.ReadAsync(Ct))
            schema[reader.GetString(0)] = reader.GetString(1);
        return schema;
    }

    private static async Task<T> ScalarAsync<T>(ClickHouseClient client, string sql) =>
        (T)Convert.ChangeType((await client.ExecuteScalarAsync(sql, cancellationToken: Ct))!, typeof(T));
}
