namespace CustomerLab.Edge.Enrichment;

/// <summary>
/// Whether a request comes from a crawler that declares itself (<see cref="BotDetector.IsDeclaredCrawler"/>), on the
/// same parsed data files (and their caches) as the collect pipeline's enrichment.
/// </summary>
internal sealed class CrawlerCheck
{
    private readonly UserAgentParser _agents;
    private readonly BotDetector _bots;

    public CrawlerCheck(UserAgentParser agents, BotDetector bots) => (_agents, _bots) = (agents, bots);

    public bool IsDeclaredCrawler(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        return userAgent.Length > 0 && _bots.IsDeclaredCrawler(userAgent, _agents.Parse(userAgent));
    }
}
