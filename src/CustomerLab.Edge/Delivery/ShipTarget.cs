namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The table a <see cref="Shipper"/> fills, its columns (the records' JSON names), and how a record becomes a row
/// (a table whose record format changed rewrites older records here; other records are rows as they are).
/// </summary>
internal sealed record ShipTarget(string Table, string[] Columns, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> AsRow)
{
    /// <summary>A table whose spooled records are its rows as they are.</summary>
    public static ShipTarget AsIs(string table, string[] columns) => new(table, columns, static row => row);
}
