namespace CustomerLab.Edge;

/// <summary>
/// Names the edge's assembly for <c>WebApplicationFactory&lt;T&gt;</c> in tests (the top-level
/// <c>Program</c> class would clash with the ClickHouse host's).
/// </summary>
public sealed class EdgeEntryPoint;
