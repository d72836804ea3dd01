using System.Diagnostics;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Copy;
using ClickHouse.Driver.Utility;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.ClickHouseHost;

/// <summary>ClickHouse.Driver 1.5.0 against the host, exactly as the edge uses it.</summary>
public sealed class DriverRoundTripTests(ClickHouseHostFixture host)
{
    private const int BulkRows = 100_000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CountsEveryRow_IfBulkInsertedThroughDriver()
    {
        var db = await host.CreateDatabaseAsync("drv_bulk");
        using var client = host.CreateClient(db);
        await client.ExecuteNonQueryAsync("""
            CREATE TABLE events (id UInt64, name String, ts DateTime64(3, 'UTC'), value Float64, tag LowCardinality(String))
            ENGINE = MergeTree ORDER BY id
            """, cancellationToken: Ct);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, BulkRows).Select(i => new object[] { (ulong)i, $"name-{i}", start.AddSeconds(i), i * 0.5, i % 2 == 0 ? "even" : "odd" });

        var sw = Stopwatch.StartNew();
        var inserted = await client.InsertBinaryAsync("events", ["id", "name", "ts", "value", "tag"], rows, cancellationToken: Ct);
        sw.Stop();
        TestContext.Current.SendDiagnosticMessage($"Bulk insert of {BulkRows} rows through ClickHouse.Driver: {sw.Elapsed.TotalMilliseconds:F0} ms");
        TestContext.Current.TestOutputHelper?.WriteLine($"Bulk insert of {BulkRows} rows through ClickHouse.Driver: {sw.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal(BulkRows, inserted);
        Assert.Equal((ulong)BulkRows, Convert.ToUInt64(await client.ExecuteScalarAsync("SELECT count() FROM events", cancellationToken: Ct)));
        Assert.Equal((ulong)BulkRows * (BulkRows - 1) / 2, Convert.ToUInt64(await client.ExecuteScalarAsync("SELECT sum(id) FROM events", cancellationToken: Ct)));
        Assert.Equal("name-99999", await client.ExecuteScalarAsync("SELECT name FROM events WHERE id = 99999", cancellationToken: Ct));
    }

    [Fact]
    public async Task InsertsRows_IfLegacyBulkCopyUsed()
    {
        var db = await host.CreateDatabaseAsync("drv_copy");
        using var connection = host.CreateConnection(db);
        await connection.OpenAsync(Ct);
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (id UInt32, s String) ENGINE = MergeTree ORDER BY id";
            await create.ExecuteNonQueryAsync(Ct);
        }
#pragma warning disable CS0618 // ClickHouseBulkCopy is obsolete in 1.5.0 but still shipped; the edge may meet it in examples.
        using var copy = new ClickHouseBulkCopy(connection) { DestinationTableName = "t", ColumnNames = ["id", "s"], BatchSize = 1000 };
#pragma warning restore CS0618
        await copy.WriteToServerAsync(Enumerable.Range(0, 5000).Select(i => new object[] { (uint)i, i.ToString() }), Ct);
        Assert.Equal(5000, copy.RowsWritten);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count() FROM t";
        Assert.Equal(5000UL, Convert.ToUInt64(await count.ExecuteScalarAsync(Ct)));
    }

    [Fact]
    public async Task ReturnsMatchingRow_IfParameterisedSelect()
    {
        var db = await host.CreateDatabaseAsync("drv_param");
        using var client = host.CreateClient(db);
        await client.ExecuteNonQueryAsync("CREATE TABLE t (id UInt32, s String) ENGINE = MergeTree ORDER BY id", cancellationToken: Ct);
        await client.ExecuteNonQueryAsync("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')", cancellationToken: Ct);

        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("p", 2u);
        Assert.Equal("two", await client.ExecuteScalarAsync("SELECT s FROM t WHERE id = {p:UInt32}", parameters, cancellationToken: Ct));
    }

    [Fact]
    public async Task ThrowsServerExceptionWithCode60_IfTableUnknown()
    {
        using var client = host.CreateClient();
        var ex = await Assert.ThrowsAsync<ClickHouseServerException>(() => client.ExecuteScalarAsync("SELECT * FROM no_such_table_for_driver", cancellationToken: Ct));
        Assert.Equal(60, ex.ErrorCode);
        Assert.Contains("UNKNOWN_TABLE", ex.Message);
    }

    [Fact]
    public async Task ReadsColumnTypes_IfSelectReturnsZeroRows()
    {
        var db = await host.CreateDatabaseAsync("drv_zero");
        using var client = host.CreateClient(db);
        await client.ExecuteNonQueryAsync("CREATE TABLE t (id UInt64, name LowCardinality(String), at DateTime('UTC')) ENGINE = MergeTree ORDER BY id", cancellationToken: Ct);

        using var reader = await client.ExecuteReaderAsync("SELECT * FROM t WHERE 1=0", cancellationToken: Ct);

        Assert.Equal(3, reader.FieldCount);
        Assert.Equal("id", reader.GetName(0));
        Assert.Equal("name", reader.GetName(1));
        Assert.Contains("UInt64", reader.GetDataTypeName(0));
        Assert.Contains("String", reader.GetDataTypeName(1));
        Assert.Contains("DateTime", reader.GetDataTypeName(2));
        Assert.False(reader.Read());
    }

    [Fact]
    public async Task ReadsTypedRows_IfSelectThroughDriver()
    {
        using var client = host.CreateClient();
        using var reader = await client.ExecuteReaderAsync("SELECT number, toString(number), toDateTime('2026-01-02 03:04:05', 'UTC') FROM numbers(3)", cancellationToken: Ct);
        var n = 0UL;
        while (reader.Read())
        {
            Assert.Equal(n, reader.GetFieldValue<ulong>(0));
            Assert.Equal(n.ToString(), reader.GetString(1));
            Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5), reader.GetDateTime(2));
            n++;
        }
        Assert.Equal(3UL, n);
    }
}
