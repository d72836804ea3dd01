using CustomerLab.Edge.ClickHouse;

namespace CustomerLab.Tests.ClickHouse;

/// <summary>The driver settings the edge makes from <c>ClickHouse:*</c>.</summary>
public sealed class ClickHouseSettingsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8123", null, false)] // loopback: compressing only costs CPU at both ends
    [InlineData("http://localhost:8123", null, false)]
    [InlineData("http://[::1]:8123", null, false)]
    [InlineData("https://clickhouse.example:8443", null, true)]
    [InlineData("http://10.0.0.7:8123", null, true)]
    [InlineData("http://127.0.0.1:8123", true, true)]
    [InlineData("https://clickhouse.example:8443", false, false)]
    public void Compression_IsOffOnLoopbackUnlessSet(string url, bool? configured, bool expected)
    {
        var settings = ClickHouseServiceCollectionExtensions.CreateSettings(new ClickHouseOptions { Url = url, Compression = configured });

        Assert.Equal(expected, settings.UseCompression);
    }
}
