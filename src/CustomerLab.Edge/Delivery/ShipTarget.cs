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

    /// <summary>
    /// The insert's format: <c>JSONEachRow</c> (rows joined by newlines) or <c>RowBinary</c> (rows one after the other),
    /// which is what <see cref="AsRow"/> returns.
    /// </summary>
    public string Format { get; init; } = "JSONEachRow";

    /// <summary>
    /// A record's payload, or a row <see cref="AsRow"/> made of one, as JSON for the dead-letter file; null when it is
    /// neither. The default takes JSON as it is.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, string?> AsJson { get; init; } = JsonAsIs;

    /// <summary>The payload's text when it is JSON, else null.</summary>
    public static string? JsonAsIs(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(payload);
            return System.Text.Encoding.UTF8.GetString(payload.Span);
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>A table whose spooled records are its rows as they are.</summary>
    public static ShipTarget AsIs(string table, string[] columns) => new(table, columns, static row => row);
}
