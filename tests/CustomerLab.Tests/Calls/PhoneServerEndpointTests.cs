using System.Net;
using CustomerLab.Tests.Fixtures;
using static CustomerLab.Tests.Calls.CallsTesting;

namespace CustomerLab.Tests.Calls;

/// <summary>
/// The phone server's HTTP endpoints without a phone server in front: the shared secret, the OpenAPI document, and a
/// clear 400 for a malformed lifecycle report. No Kamailio runs, so these run beside the other collections.
/// </summary>
public sealed class PhoneServerEndpointTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PhoneServerEndpoints_Are401_WithoutTheSecret()
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sipauth", startKamailio: false);
        foreach (var path in new[] { "/v1/calls/route", "/v1/calls/sip/events" })
            foreach (var secret in new[] { null, "wrong" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["to"] = "+12025550100", ["callId"] = "x", ["event"] = "ringing" }),
                };
                if (secret is not null) request.Headers.Add("X-Phone-Secret", secret);
                var response = await phone.Http.SendAsync(request, Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
    }

    [Fact]
    public async Task PhoneServerEndpoints_AreInTheOpenApiDocument()
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sipopenapi", startKamailio: false);
        var document = await phone.Http.GetStringAsync("/openapi/v1.json", Ct);
        using var json = System.Text.Json.JsonDocument.Parse(document);
        var paths = json.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/calls/route", "/v1/calls/sip/events" })
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty("post", out _), $"{path} is not in the OpenAPI document");
    }

    [Theory]
    [InlineData("event=hung-up&callId=c1&to=%2B12025550100", "event")]
    [InlineData("event=ended&to=%2B12025550100", "callId")]
    [InlineData("event=ended&callId=c1&to=%2B12025550100&duration=-3", "duration")]
    [InlineData("event=ended&callId=c1&to=%2B12025550100&at=yesterday", "at")]
    public async Task MalformedLifecycleReport_Is400NamingTheField(string form, string field)
    {
        await using var phone = await SipPhoneSetup.StartAsync(garnet, clickHouse, "sipbad", startKamailio: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls/sip/events")
        {
            Content = new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Phone-Secret", SipPhoneSetup.Secret);
        var problem = await ProblemAsync(await phone.Http.SendAsync(request, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
