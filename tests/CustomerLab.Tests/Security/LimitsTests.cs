using System.Net;
using System.Text;
using CustomerLab.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace CustomerLab.Tests.Security;

/// <summary>An edge with tiny limits, so rate limiting and the body cap show within a few requests.</summary>
public sealed class LimitsEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : IAsyncLifetime
{
    public const int PermitsPerIp = 3, PermitsPerSite = 5, MaxBody = 4096;

    public EdgeApplication Edge { get; } = new(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("limits"), new Dictionary<string, string?>
    {
        ["Security:PermitsPerIp"] = PermitsPerIp.ToString(),
        ["Security:PermitsPerSite"] = PermitsPerSite.ToString(),
        ["Security:WindowSeconds"] = "60",
        ["Security:MaxRequestBodyBytes"] = MaxBody.ToString(),
        ["Retention:Days:pageviews"] = "30",
        ["Retention:Days:calls"] = "90",
    });

    public ClickHouseHostFixture ClickHouse => clickHouse;

    public ValueTask InitializeAsync()
    {
        _ = Edge.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Edge.DisposeAsync();
}

/// <summary>Rate limits per IP and per site on /v1/*, the request body cap, security headers and CSP.</summary>
public sealed class LimitsTests(LimitsEdgeFixture fixture) : IClassFixture<LimitsEdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestsGet429WithRetryAfterAndProblemJson_IfOneIpExceedsItsLimit()
    {
        var ip = IPAddress.Parse($"10.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(0, 256)}.7"); // a network no other test uses
        var statuses = new List<HttpStatusCode>();
        HttpContext? last = null;
        for (var i = 0; i < LimitsEdgeFixture.PermitsPerIp + 1; i++)
            last = await SendAsync("/v1/number", ip, origin: null);

        var other = await SendAsync("/v1/number", IPAddress.Parse("198.51.100.7"), origin: null);
        var notV1 = await SendAsync("/healthz", ip, origin: null, method: "GET");

        Assert.Equal(StatusCodes.Status429TooManyRequests, last!.Response.StatusCode);
        Assert.InRange(int.Parse(last.Response.Headers.RetryAfter.ToString()), 1, 60);
        Assert.StartsWith("application/problem+json", last.Response.ContentType);
        Assert.NotEqual(StatusCodes.Status429TooManyRequests, other.Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, notV1.Response.StatusCode);
    }

    [Fact]
    public async Task TwilioWebhooks_AreNeverRateLimited_SinceA429WouldDropACaller()
    {
        var ip = IPAddress.Parse("203.0.113." + Random.Shared.Next(1, 255));
        var codes = new List<int>();
        for (var i = 0; i < LimitsEdgeFixture.PermitsPerIp + 2; i++)
            codes.Add((await SendAsync("/v1/calls/twilio/voice", ip, origin: null)).Response.StatusCode);

        // Refused for what they are (not Twilio's form, not signed), never for how many there were.
        Assert.All(codes, c => Assert.NotEqual(StatusCodes.Status429TooManyRequests, c));
        Assert.All(codes, c => Assert.Equal(StatusCodes.Status400BadRequest, c));
    }

    [Theory]
    [InlineData("10.{0}.{1}.1", "10.{0}.{1}.2", "10.{0}.{1}.200", "10.{0}.{1}.77", "10.{0}.{2}.1")]
    [InlineData("fd00:{0}:{1}::1", "fd00:{0}:{1}:0:aaaa::9", "fd00:{0}:{1}:0:ffff:1:2:3", "fd00:{0}:{1}::42", "fd00:{0}:{2}::1")]
    public async Task RequestsGet429_IfAddressesOfOneNetworkTogetherExceedTheLimit(string a, string b, string c, string d, string otherNetwork)
    {
        // IPv4 /24 and IPv6 /64: a client cannot dodge the limit by taking the next address of its network.
        var (x, y) = (Random.Shared.Next(0, 250), Random.Shared.Next(0, 250));
        IPAddress At(string pattern) => IPAddress.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, x, y, y + 1));
        // An Origin of its own, so the per-site partition (requests without one share it) stays out of the way.
        var origin = $"https://{Guid.NewGuid():N}.example.com";
        var codes = new List<int>();
        foreach (var address in new[] { a, b, c, d }) codes.Add((await SendAsync("/v1/number", At(address), origin)).Response.StatusCode);
        var other = await SendAsync("/v1/number", At(otherNetwork), origin);

        Assert.All(codes.Take(LimitsEdgeFixture.PermitsPerIp), code => Assert.NotEqual(StatusCodes.Status429TooManyRequests, code));
        Assert.Equal(StatusCodes.Status429TooManyRequests, codes[^1]);
        Assert.NotEqual(StatusCodes.Status429TooManyRequests, other.Response.StatusCode);
    }

    [Fact]
    public async Task RequestsGet429_IfOneSiteOriginExceedsItsLimitAcrossIps()
    {
        var origin = $"https://{Guid.NewGuid():N}.example.com";
        var codes = new List<int>();
        for (var i = 0; i < LimitsEdgeFixture.PermitsPerSite + 1; i++)
            codes.Add((await SendAsync("/v1/collect", IPAddress.Parse($"198.18.{10 + i}.1"), origin)).Response.StatusCode); // one network each

        Assert.All(codes.Take(LimitsEdgeFixture.PermitsPerSite), c => Assert.NotEqual(StatusCodes.Status429TooManyRequests, c));
        Assert.Equal(StatusCodes.Status429TooManyRequests, codes[^1]);
    }

    [Fact]
    public async Task BodyIsRefusedWith413ProblemJson_IfLargerThanTheEdgeCap()
    {
        using var http = fixture.Edge.CreateClient();
        using var content = new StringContent(new string('x', LimitsEdgeFixture.MaxBody + 1), Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/sites/x") { Content = content };

        var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HtmlPagesCarryCspAndSecurityHeaders_IfServedByTheEdge()
    {
        using var http = fixture.Edge.CreateClient();

        var optout = await http.GetAsync("/optout?k=demo", Ct);
        var demo = await http.GetAsync("/demo", Ct);
        var api = await http.GetAsync("/healthz", Ct);

        Assert.Contains("default-src 'none'", optout.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", optout.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", optout.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("connect-src 'self'", demo.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", api.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(api.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task TablesGetTheConfiguredTtl_IfRetentionDaysAreSet()
    {
        using var clickHouse = fixture.ClickHouse.CreateClient(fixture.Edge.Database);
        async Task<string> EngineAsync(string table) => (string)(await clickHouse.ExecuteScalarAsync(
            $"SELECT engine_full FROM system.tables WHERE database = '{fixture.Edge.Database}' AND name = '{table}'", cancellationToken: Ct))!;

        await Poll.UntilAsync(async () => (await EngineAsync("pageviews")).Contains("toIntervalDay(30)") && (await EngineAsync("calls")).Contains("toIntervalDay(90)"),
            TimeSpan.FromSeconds(30), "the configured TTLs");

        Assert.Contains("TTL toDateTime(timestamp) + toIntervalDay(30)", await EngineAsync("pageviews"));
        Assert.Contains("TTL toDateTime(started_at) + toIntervalDay(90)", await EngineAsync("calls"));
        Assert.Contains("toIntervalDay(400)", await EngineAsync("lease_history")); // not configured: the migration's TTL
        Assert.Contains("toIntervalDay(1825)", await EngineAsync("privacy_audit"));
    }

    [Fact]
    public void RetentionIsRefusedAtStartup_IfTableIsUnknownOrDaysOutOfRange()
    {
        var validator = new CustomerLab.Edge.Retention.RetentionOptionsValidator();
        var result = validator.Validate(null, new CustomerLab.Edge.Retention.RetentionOptions { Days = { ["pageview"] = 30, ["calls"] = 0 } });
        Assert.True(result.Failed);
        Assert.Contains("Retention:Days:pageview", result.FailureMessage);
        Assert.Contains("Retention:Days:calls", result.FailureMessage);
    }

    private Task<HttpContext> SendAsync(string path, IPAddress ip, string? origin, string method = "POST") =>
        fixture.Edge.Server.SendAsync(context =>
        {
            context.Request.Method = method;
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = ip;
            if (origin is not null) context.Request.Headers.Origin = origin;
            if (method == "POST")
            {
                context.Request.ContentType = "text/plain";
                context.Request.Body = new MemoryStream("{}"u8.ToArray());
            }
        }, Ct);
}
