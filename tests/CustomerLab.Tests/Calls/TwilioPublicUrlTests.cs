using System.Net;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>Behind a proxy, Twilio signs the public URL it called (<c>Calls:PublicBaseUrl</c>), and the TwiML names public URLs.</summary>
public sealed class TwilioPublicUrlTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    [Fact]
    public async Task Signature_IsCheckedOverThePublicUrl_WithOrWithoutItsPort()
    {
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("callspublicurl"),
            new Dictionary<string, string?> { ["Calls:PublicBaseUrl"] = "https://calls.example.com:443" });
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        var number = NumbersEdgeFixture.Numbers(1);
        await CreateSiteAsync(admin, site, number, NewNumber());
        using var http = edge.CreateClient();
        var fields = new TwilioCall(http, number[0]).Caller("ringing");
        const string voice = "/v1/calls/twilio/voice";

        var withPort = await CallWebhooks.SendTwilioAsync(http, voice, fields, signedUrl: "https://calls.example.com:443" + voice);
        var withoutPort = await CallWebhooks.SendTwilioAsync(http, voice, fields, signedUrl: "https://calls.example.com" + voice);
        var internalUrl = await CallWebhooks.SendTwilioAsync(http, voice, fields);

        Assert.Equal(HttpStatusCode.OK, withPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withoutPort.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, internalUrl.StatusCode);
        Assert.Contains("action=\"https://calls.example.com:443/v1/calls/twilio/dial\"", await withPort.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
