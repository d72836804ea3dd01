namespace CustomerLab.Edge.Delivery;

/// <summary>How rows reach a ClickHouse table, and what survives a failure.</summary>
internal enum DeliveryGuarantee
{
    /// <summary>
    /// On disk in a <see cref="Spool"/> before the write completes, shipped by a <see cref="Shipper"/> with
    /// deduplication tokens: survives ClickHouse down, a stopped edge and a SIGKILL (fsync per <see cref="DeliveryOptions.Fsync"/>).
    /// </summary>
    DurableSpool,

    /// <summary>
    /// In a bounded in-memory buffer (<see cref="BatchedTableWriter"/>), retried while ClickHouse is down: rows beyond
    /// the buffer, and rows buffered when the process dies, are counted and logged, not kept.
    /// </summary>
    Buffered,
}

/// <summary>Every table the edge writes rows into, with its guarantee: one line each.</summary>
internal static class DeliveredTables
{
    public static readonly (string Table, DeliveryGuarantee Guarantee)[] All =
    [
        ("pageviews", DeliveryGuarantee.DurableSpool),           // Events/PageviewDelivery.cs
        ("lease_history", DeliveryGuarantee.DurableSpool),       // Numbers/LeaseHistoryWriter.cs
        ("pool_exhaustions", DeliveryGuarantee.Buffered),        // Numbers/ExhaustionWriter.cs
        ("calls", DeliveryGuarantee.DurableSpool),               // Calls/Lifecycle/CallEventLog.cs: Twilio's callbacks as call events
                                                                 // (the generic webhook writes its row before it answers)
        ("conversion_events", DeliveryGuarantee.DurableSpool),   // Conversions/TagConversionLog.cs: leads from the tag
                                                                 // (POST /v1/conversions stores synchronously and answers 503 to retry)
    ];
}
