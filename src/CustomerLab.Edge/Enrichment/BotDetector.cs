using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CustomerLab.Edge.Enrichment;

/// <summary>
/// Flags automated traffic with reasons (bots are stored, never dropped): uap-core's <c>Spider</c> device class,
/// the patterns of npm <c>crawler-user-agents</c>, headless-browser markers, and browser headers a real browser
/// always sends (User-Agent, Accept-Language).
/// </summary>
internal sealed partial class BotDetector
{
    public const string UapSpider = "uap_spider", CrawlerList = "crawler_list", Headless = "headless",
        NoUserAgent = "no_user_agent", NoAcceptLanguage = "no_accept_language";

    /// <summary>Markers of automated browsers that the lists above do not cover.</summary>
    private static readonly string[] HeadlessMarkers = ["HeadlessChrome", "PhantomJS", "SlimerJS", "Puppeteer", "Playwright", "Selenium", "WebDriver", "Chrome-Lighthouse"];

    private readonly Regex[] _crawlers;
    private readonly ConcurrentDictionary<string, AgentMarks> _cache = new(StringComparer.Ordinal);
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
            var marks = Classify(userAgent);
            if ((marks & AgentMarks.Listed) != 0) Add(CrawlerList);
            if ((marks & AgentMarks.Headless) != 0) Add(Headless);
        }
        if (!hasAcceptLanguage) Add(NoAcceptLanguage);
        return reasons?.ToArray() ?? [];
    }

    /// <summary>
    /// A crawler that says what it is (uap-core's Spider class, or a crawler-user-agents pattern that is not merely an
    /// automated browser's marker): search engines rendering pages run the tag, and must not hold tracking numbers.
    /// Headless browsers are not counted here: monitoring and tests drive them, and the lease caps bound them. Nor are
    /// HTTP tools the crawler list also names (curl, wget, language libraries): a developer trying the API with curl
    /// should see what a visitor sees; a listed agent counts only when it calls itself a bot, crawler, spider or slurp.
    /// </summary>
    public bool IsDeclaredCrawler(string userAgent, UserAgentInfo agent) =>
        userAgent.Length > 0 && (agent.IsSpider || (Classify(userAgent) == AgentMarks.Listed && SelfNamedCrawler().IsMatch(userAgent)));

    [GeneratedRegex("bot|crawl|spider|slurp", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SelfNamedCrawler();

    [Flags]
    private enum AgentMarks : byte { None = 0, Listed = 1, Headless = 2 }

    /// <summary>What the user agent string alone says, worked out once per distinct string (the lists are long).</summary>
    private AgentMarks Classify(string userAgent)
    {
        if (_cache.TryGetValue(userAgent, out var marks)) return marks;
        foreach (var regex in _crawlers)
        {
            try { if (regex.IsMatch(userAgent)) { marks |= AgentMarks.Listed; break; } }
            catch (RegexMatchTimeoutException) { }
        }
        foreach (var marker in HeadlessMarkers)
            if (userAgent.Contains(marker, StringComparison.OrdinalIgnoreCase)) { marks |= AgentMarks.Headless; break; }
        if (_cache.Count >= _cacheSize) _cache.Clear();
        _cache.TryAdd(userAgent, marks);
        return marks;
    }
}
