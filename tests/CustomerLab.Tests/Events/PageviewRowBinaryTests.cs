using System.Buffers;
using System.Text.Json;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Events;

namespace CustomerLab.Tests.Events;

/// <summary>The spool's binary pageview record: ClickHouse's RowBinary of the <c>pageviews</c> columns behind a layout byte.</summary>
public sealed class PageviewRowBinaryTests
{
    private static EnrichedEvent Sample() => new()
    {
        EventId = Guid.Parse("61f0c404-5cb3-11e7-907b-a6006ad3dba0"), SiteId = "acme", EventName = "sign_up:step-2.done",
        Timestamp = new DateTime(2026, 12, 2, 0, 45, 1, 234, DateTimeKind.Utc).AddTicks(5678), VisitorId = "v1", SessionId = "s1",
        Url = "https://www.example.com/caf%C3%A9", Host = "www.example.com", Path = "/café", Title = "Ünï \"q\"\n😀 " + new string('x', 300),
        Referrer = "https://www.google.com/", ReferrerHost = "www.google.com", Source = "Google", Medium = "search", Channel = "search",
        UtmCampaign = "été", Browser = "Chrome", BrowserVersion = "124.0", Os = "Windows", OsVersion = "10", DeviceFamily = "Other",
        DeviceType = "desktop", ScreenWidth = 1280, CountryCode = "GB", City = "Luton", IpPrefix = "81.2.69.0", IsBot = true,
        BotReasons = ["crawler_list", "no_accept_language"], UserAgent = "Mozilla/5.0",
    };

    [Fact]
    public void Columns_AreThePageviewsColumnsOfTheJsonRecords_InTheirOrder() =>
        Assert.Equal(EnrichedEvent.Columns, PageviewRowBinary.Columns);

    [Fact]
    public void Row_ReadsBackEveryField_IfWrittenAndRead()
    {
        var row = new ArrayBufferWriter<byte>();
        var sample = Sample();
        PageviewRowBinary.WriteRow(sample, row);

        var read = PageviewRowBinary.ReadRow(row.WrittenSpan);

        sample.Timestamp = new DateTime(2026, 12, 2, 0, 45, 1, 234, DateTimeKind.Utc); // DateTime64(3): milliseconds
        Assert.Equal(JsonSerializer.Serialize(sample, SpoolJson.Default.EnrichedEvent), JsonSerializer.Serialize(read, SpoolJson.Default.EnrichedEvent));
    }

    [Fact]
    public void Uuid_IsTwoLittleEndianHalves_AsClickHouseReadsIt()
    {
        // The example of ClickHouse's RowBinary documentation: 61f0c404-5cb3-11e7-907b-a6006ad3dba0.
        var row = new ArrayBufferWriter<byte>();
        PageviewRowBinary.WriteRow(Sample(), row);
        Assert.Equal(Convert.FromHexString("e711b35c04c4f061a0dbd36a00a67b90"), row.WrittenSpan[..16].ToArray());
    }

    [Fact]
    public void AsRow_GivesTheSameRow_ForABinaryRecordAndForTheJsonRecordOfTheSameEvent()
    {
        var sample = Sample();
        var framed = PageviewDelivery.Frame([sample]);
        var binary = framed.AsSpan(Spool.HeaderBytes).ToArray();
        var json = JsonSerializer.SerializeToUtf8Bytes(sample, SpoolJson.Default.EnrichedEvent);
        var legacy = JsonSerializer.SerializeToUtf8Bytes(sample, EventsJson.Default.EnrichedEvent);

        Assert.Equal(PageviewRowBinary.Layout, binary[0]);
        Assert.Equal(binary[1..], PageviewDelivery.AsRow(binary).ToArray());
        Assert.Equal(binary[1..], PageviewDelivery.AsRow(json).ToArray());
        Assert.Equal(binary[1..], PageviewDelivery.AsRow(legacy).ToArray());
        Assert.Throws<JsonException>(() => PageviewDelivery.AsRow(new byte[] { 7, 1, 2 }));
    }

    [Fact]
    public void DeadLetterJson_NamesTheEvent_ForARecordARowAndJson_AndIsNullForBytesThatAreNone()
    {
        var framed = PageviewDelivery.Frame([Sample()]);
        var record = framed.AsSpan(Spool.HeaderBytes).ToArray();

        foreach (var payload in new[] { record, record[1..], JsonSerializer.SerializeToUtf8Bytes(Sample(), SpoolJson.Default.EnrichedEvent) })
            Assert.Contains("\"path\":\"/caf\\u00E9\"", PageviewDelivery.Target.AsJson(payload));
        Assert.Null(PageviewDelivery.Target.AsJson(record[..40]));
    }
}
