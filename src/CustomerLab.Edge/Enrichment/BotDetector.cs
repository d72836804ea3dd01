using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CustomerLab.Edge.Enrichment;

/// <summary>
/// Flags automated traffic with reasons (bots are stored, never dropped): uap-core's <c>Spider</c> device class,
/// the patterns of npm <c>crawler-user-agents</c>, headless-browser markers, and browser headers a real browser
/// always sends (User-Agent, Accept-Language).
/// </summary>
internal sealed class BotDetector
{
    public const string UapSpider = "uap_spider", CrawlerList = "crawler_list", Headless = "headless",
        NoUserAgent = "no_user_agent", NoAcceptLanguage = "no_accept_language";

    /// <summary>Markers of automated browsers that the lists above do not cover.</summary>
    private static readonly string[] HeadlessMarkers = ["HeadlessChrome", "PhantomJS", "SlimerJS", "Puppeteer", "Playwright", "Selenium", "WebDriver", "Chrome-Lighthouse"];

    private readonly Regex[] _crawlers;
    private readonly ConcurrentDictionary<string, bool> _cache = new(StringComparer.Ordinal);
    private readonly int _cacheSize;

    public BotDetector(string crawlerUserAgentsJsonPath, int cacheSize)
    {
        _cacheSize = cacheSize;
        using var document = JsonDocument.Parse(File.ReadAllBytes(crawlerUserAgentsJsonPath));
        var patterns = new List<Regex>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            try { patterns.Add(new Regex(entry.GetProperty("pattern").GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50))); }
            catch (ArgumentException) { } // a pattern .NET cannot read; the others still apply
        }
        _crawlers = patterns.ToArray();
    }

    /// <summary>Patterns loaded from crawler-user-agents.</summary>
    public int PatternCount => _crawlers.Length;

    public string[] Reasons(string userAgent, UserAgentInfo agent, bool hasAcceptLanguage)
    {
        List<string>? reasons = null;
        void Add(string reason) => (reasons ??= []).Add(reason);
        if (userAgent.Length == 0) Add(NoUserAgent);
        else
        {
            if (agent.IsSpider) Add(UapSpider);
            if (IsListedCrawler(userAgent)) Add(CrawlerList);
            foreach (var marker in HeadlessMarkers)
                if (userAgent.Contains(marker, StringComparison.OrdinalIgnoreCase)) { Add(Headless); break; }
        }
        if (!hasAcceptLanguage) Add(NoAcceptLanguage);
        return reasons?.ToArray() ?? [];
    }

    private bool IsListedCrawler(string userAgent)
    {
        if (_cache.TryGetValue(userAgent, out var listed)) return listed;
        listed = false;
        foreach (var regex in _crawlers)
        {
            try { if (regex.IsMatch(userAgent)) { listed = true; break; } }
            catch (RegexMatchTimeoutException) { }
        }
        if (_cache.Count >= _cacheSize) _cache.Clear();
        _cache.TryAdd(userAgent, listed);
        return listed;
    }
}
