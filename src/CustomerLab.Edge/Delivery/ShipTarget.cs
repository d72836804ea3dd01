namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The table a <see cref="Shipper"/> fills, its columns (the records' JSON names), and how a record becomes a row
/// (a table whose record format changed rewrites older records here; other records are rows as they are).
/// </summary>
internal sealed record ShipTarget(string Table, string[] Columns, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> AsRow)
{
    /// <summary>
    /// Instead of inserting the records as rows, hand each batch to this consumer (the call events' processor): it
    /// returns once every record is stored, retrying failures itself; the shipper then moves past the batch.
    /// </summary>
    public Func<IReadOnlyList<SpoolRecord>, CancellationToken, Task>? Deliver { get; init; }

    /// <summary>A table whose spooled records are its rows as they are.</summary>
    public static ShipTarget AsIs(string table, string[] columns) => new(table, columns, static row => row);
}
