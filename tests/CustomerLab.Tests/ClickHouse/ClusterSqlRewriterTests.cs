using CustomerLab.Edge.ClickHouse.Migrations;

namespace CustomerLab.Tests.ClickHouse;

/// <summary>The cluster variant produced from the single-server migration files.</summary>
public sealed class ClusterSqlRewriterTests
{
    private readonly ClusterSqlRewriter _rewriter = new("analytics", "customerlab");

    [Fact]
    public void MergeTreeTable_BecomesReplicatedLocalTablePlusDistributed()
    {
        var sql = _rewriter.Rewrite("CREATE TABLE IF NOT EXISTS hits (id UInt64, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY id TTL now() + INTERVAL 1 DAY");

        Assert.Equal(2, sql.Count);
        Assert.Equal(
            "CREATE TABLE IF NOT EXISTS hits_local ON CLUSTER analytics (id UInt64, v UInt64) " +
            "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/customerlab/hits_local', '{replica}', v) ORDER BY id TTL now() + INTERVAL 1 DAY",
            sql[0]);
        Assert.Equal("CREATE TABLE IF NOT EXISTS hits ON CLUSTER analytics AS hits_local ENGINE = Distributed(analytics, customerlab, hits_local, rand())", sql[1]);
    }

    [Fact]
    public void PlainMergeTree_GetsNoExtraEngineArguments()
    {
        var sql = _rewriter.Rewrite("CREATE TABLE t (a UInt8) ENGINE = MergeTree() ORDER BY a");
        Assert.Contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/customerlab/t_local', '{replica}')", sql[0]);
    }

    [Fact]
    public void MaterializedView_ReadsAndWritesLocalTables()
    {
        _rewriter.Rewrite("CREATE TABLE pageviews (s String) ENGINE = MergeTree ORDER BY s");
        _rewriter.Rewrite("CREATE TABLE sessions (s String) ENGINE = AggregatingMergeTree ORDER BY s");

        var sql = _rewriter.Rewrite("CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_mv TO sessions AS SELECT s FROM pageviews");

        Assert.Equal(["CREATE MATERIALIZED VIEW IF NOT EXISTS sessions_mv ON CLUSTER analytics TO sessions_local AS SELECT s FROM pageviews_local"], sql);
    }

    [Fact]
    public void View_KeepsReadingTheDistributedTables()
    {
        _rewriter.Rewrite("CREATE TABLE calls (c String) ENGINE = MergeTree ORDER BY c");
        var sql = _rewriter.Rewrite("CREATE VIEW IF NOT EXISTS calls_by_day AS SELECT c FROM calls");
        Assert.Equal(["CREATE VIEW IF NOT EXISTS calls_by_day ON CLUSTER analytics AS SELECT c FROM calls"], sql);
        // A view replaced by a later migration (conversions gains its texts branch) reaches every node the same way.
        Assert.Equal(["CREATE OR REPLACE VIEW calls_by_day ON CLUSTER analytics AS SELECT c FROM calls"],
            _rewriter.Rewrite("CREATE OR REPLACE VIEW calls_by_day AS SELECT c FROM calls"));
    }

    [Fact]
    public void ColumnChange_ReachesLocalAndDistributedTables_ButTtlOnlyTheLocal()
    {
        _rewriter.Rewrite("CREATE TABLE calls (c String) ENGINE = MergeTree ORDER BY c");

        Assert.Equal(
            ["ALTER TABLE calls_local ON CLUSTER analytics ADD COLUMN IF NOT EXISTS d String", "ALTER TABLE calls ON CLUSTER analytics ADD COLUMN IF NOT EXISTS d String"],
            _rewriter.Rewrite("ALTER TABLE calls ADD COLUMN IF NOT EXISTS d String"));
        Assert.Equal(
            ["ALTER TABLE calls_local ON CLUSTER analytics MODIFY TTL now() + INTERVAL 2 DAY"],
            _rewriter.Rewrite("ALTER TABLE calls MODIFY TTL now() + INTERVAL 2 DAY"));
        // A skip index belongs to the parts, which only the local table has.
        Assert.Equal(
            ["ALTER TABLE calls_local ON CLUSTER analytics ADD INDEX IF NOT EXISTS caller_lookup caller_number TYPE bloom_filter(0.01) GRANULARITY 1"],
            _rewriter.Rewrite("ALTER TABLE calls ADD INDEX IF NOT EXISTS caller_lookup caller_number TYPE bloom_filter(0.01) GRANULARITY 1"));
        Assert.Equal(["ALTER TABLE calls_local ON CLUSTER analytics MATERIALIZE INDEX caller_lookup"],
            _rewriter.Rewrite("ALTER TABLE calls MATERIALIZE INDEX caller_lookup"));
    }

    [Fact]
    public void CreateDatabase_RunsOnCluster()
    {
        Assert.Equal(["CREATE DATABASE IF NOT EXISTS customerlab ON CLUSTER analytics"], _rewriter.Rewrite("CREATE DATABASE IF NOT EXISTS customerlab"));
    }

    [Fact]
    public void EveryEmbeddedMigration_HasAClusterVariantWithoutPlainMergeTree()
    {
        var rewriter = new ClusterSqlRewriter("c1", "db");
        foreach (var migration in Migration.LoadEmbedded())
            foreach (var statement in migration.Statements)
                foreach (var sql in rewriter.Rewrite(statement))
                {
                    Assert.Contains("ON CLUSTER c1", sql);
                    Assert.DoesNotMatch(@"ENGINE\s*=\s*(Replacing|Aggregating|Summing)?MergeTree", sql);
                }
    }
}
