using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerLab.Edge.ClickHouse;

/// <summary>
/// A <see cref="DateTime"/> (UTC) as ClickHouse's <c>DateTime64(3)</c> reads it in any input format:
/// <c>"2026-11-29 13:00:00.123"</c>. Reading also takes ISO 8601 (spool records of earlier versions).
/// </summary>
internal sealed class ClickHouseDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[23];
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).TryFormat(text, out var written, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..written]);
    }
}
