using System.Text.Json.Serialization;
using CustomerLab.Edge.ClickHouse;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// One row of <c>conversion_events</c>: a lead or a purchase, never a field's value. Inserted as it is by
/// <see cref="ConversionStore"/>, or spooled as one JSONEachRow line with the column names by <see cref="TagConversionLog"/>.
/// </summary>
internal sealed record ConversionRow
{
    public required string ConversionId { get; init; }
    public required string SiteId { get; init; }
    /// <summary><c>lead</c> or <c>purchase</c>.</summary>
    public required string Type { get; init; }
    /// <summary><c>form</c>, <c>page</c> or <c>server</c>.</summary>
    public required string Origin { get; init; }
    public bool Verified { get; init; }
    /// <summary>UTC.</summary>
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime OccurredAt { get; init; }
    public string VisitorId { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string PageUrl { get; init; } = "";
    public string FormId { get; init; } = "";
    public IReadOnlyList<string> FormFields { get; init; } = [];
    public string EmailSha256 { get; init; } = "";
    public string PhoneSha256 { get; init; } = "";
    public decimal Value { get; init; }
    public string Currency { get; init; } = "";
    /// <summary>When the edge took it (UTC); set by whatever stores the row.</summary>
    [JsonConverter(typeof(ClickHouseDateTimeConverter))] public DateTime ReceivedAt { get; init; }

    /// <summary>The <c>conversion_events</c> columns a row fills: its JSON property names.</summary>
    internal static readonly string[] Columns = [.. ConversionRowJson.Default.ConversionRow.Properties.Select(p => p.Name)];

    /// <summary>The values of <see cref="Columns"/>, in their order.</summary>
    internal object?[] ToRow() =>
    [
        ConversionId, SiteId, Type, Origin, Verified, OccurredAt, VisitorId, SessionId, PageUrl, FormId,
        FormFields.ToArray(), EmailSha256, PhoneSha256, Value, Currency, ReceivedAt,
    ];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ConversionRow))]
internal sealed partial class ConversionRowJson : JsonSerializerContext;
