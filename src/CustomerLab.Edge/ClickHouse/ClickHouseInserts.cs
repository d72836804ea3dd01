using ClickHouse.Driver;
using ClickHouse.Driver.Compression;

namespace CustomerLab.Edge.ClickHouse;

/// <summary>
/// How the edge's rows travel to ClickHouse, the same way for every table. The column types of a table whose schema no
/// longer changes under this process are read once per table (the driver's schema cache) instead of by a probe query
/// before every insert. Rows are compressed only where queries are (<see cref="ClickHouseOptions.Compression"/>: off on
/// loopback unless set). A deduplication token makes a replay of the same insert a no-op.
/// </summary>
public static class ClickHouseInserts
{
    /// <param name="client">The edge's client; its settings say whether to compress.</param>
    /// <param name="schemaSettled">
    /// True once the table's migrations have run in this process (<see cref="Migrations.SchemaState.IsReady"/>, or a
    /// schema the caller ensured itself): a type read before a pending migration must not be cached.
    /// </param>
    /// <param name="database">The database when it is not the client's.</param>
    /// <param name="deduplicationToken">ClickHouse's <c>insert_deduplication_token</c>, or null.</param>
    public static InsertOptions InsertOptions(this ClickHouseClient client, bool schemaSettled, string? database = null, string? deduplicationToken = null) =>
        new()
        {
            Database = database,
            UseSchemaCache = schemaSettled,
            Compressor = client.Settings.UseCompression ? ZstdCompressor.Default : null,
            CustomSettings = deduplicationToken is null ? null : new Dictionary<string, object> { ["insert_deduplication_token"] = deduplicationToken },
        };
}
