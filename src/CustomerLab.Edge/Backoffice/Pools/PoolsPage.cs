using System.Globalization;
using System.Text;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.Pools;

/// <summary>
/// <c>GET /console/pools[?site=KEY]</c>: each readable site's pools with their health (<see cref="NumberPool.GetStatsAsync"/>,
/// the admin API's stats), the 24-hour peak-demand chart and, for admins, the forms that change them
/// (<see cref="PoolActions"/>). Analysts see the pools of their own sites, read-only.
/// </summary>
internal static class PoolsPage
{
    private static readonly HtmlTemplate Page = new("Backoffice/Pools/Html/pools.html");
    private static readonly HtmlTemplate SiteSection = new("Backoffice/Pools/Html/site.html");
    private static readonly HtmlTemplate PoolCard = new("Backoffice/Pools/Html/pool.html");
    private static readonly HtmlTemplate Rule = new("Backoffice/Pools/Html/rule.html");
    private static readonly HtmlTemplate NumberRow = new("Backoffice/Pools/Html/number.html");

    /// <summary>What a saved change says on the page it goes back to (never text from the request).</summary>
    public static readonly IReadOnlyDictionary<string, string> SavedMessages = new Dictionary<string, string>
    {
        ["created"] = "Pool created.", ["edited"] = "Pool saved.", ["added"] = "Numbers added.", ["retired"] = "Number retired.",
    };

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(HttpContext context, string? site, string? saved, SiteStore sites, NumberPool pool)
    {
        var user = ConsoleUser.Of(context);
        if (!string.IsNullOrEmpty(site) && !user.MayRead(site)) return ConsoleProblems.NotYourSite(site);
        return await RenderAsync(context, site, saved, sites, pool, state: null, StatusCodes.Status200OK);
    }

    public static async Task<ContentHttpResult> RenderAsync(HttpContext context, string? site, string? saved, SiteStore sites, NumberPool pool,
        PoolFormState? state, int statusCode)
    {
        var user = ConsoleUser.Of(context);
        var csrf = ConsoleLayout.Csrf(context);
        var readable = (await sites.ListAsync()).Where(user.MayRead).Order(StringComparer.Ordinal).ToList();
        var shown = string.IsNullOrEmpty(site) ? readable : readable.Where(s => s == site).ToList();
        var roleFlag = user.IsAdmin ? "admin" : "analyst";
        var html = new StringBuilder();
        foreach (var key in shown)
            if (await sites.GetFreshAsync(key) is { } config) html.Append(await SiteHtmlAsync(config, pool, user.IsAdmin, csrf, state));
        var flags = new HashSet<string> { roleFlag };
        if (readable.Count == 0) flags.Add("noSites");
        var message = saved is not null && SavedMessages.TryGetValue(saved, out var m) ? m : "";
        if (message.Length > 0) flags.Add("saved");
        var body = Page.Render(new Dictionary<string, string> { ["saved"] = message }, flags);
        body = ConsoleLayout.Fill(body, "<!--siteOptions-->", ConsoleForms.Options(readable.Select(s => (s, s)), site));
        body = ConsoleLayout.Fill(body, "<!--sites-->", html.ToString());
        return ConsoleLayout.Page(context, ConsoleSection.Pools, "Pools", body, statusCode);
    }

    private static async Task<string> SiteHtmlAsync(SiteConfig site, NumberPool pool, bool admin, string csrf, PoolFormState? state)
    {
        var cards = new StringBuilder();
        foreach (var config in site.Pools)
            cards.Append(await PoolHtmlAsync(site, config, pool, admin, csrf, state));
        var creating = state is not null && state.Is("create", site.SiteKey, "");
        var flags = new HashSet<string>();
        if (admin) flags.Add("admin");
        if (site.Pools.Count == 0) flags.Add("noPools");
        var html = SiteSection.Render(new Dictionary<string, string>
        {
            ["site"] = site.SiteKey, ["csrf"] = csrf, ["createOpen"] = creating ? " open" : "",
            ["createPool"] = creating ? state!.Values["pool"].ToString() : "", ["createNumbers"] = creating ? state!.Values["numbers"].ToString() : "",
        }, flags);
        html = ConsoleLayout.Fill(html, "<!--pools-->", cards.ToString());
        html = ConsoleLayout.Fill(html, "<!--createErrors-->", creating ? ErrorsHtml(state!) : "");
        return ConsoleLayout.Fill(html, "<!--createRule-->", RuleHtml(creating ? state!.Values : null, null));
    }

    private static async Task<string> PoolHtmlAsync(SiteConfig siteConfig, PoolConfig config, NumberPool pool, bool admin, string csrf, PoolFormState? state)
    {
        var site = siteConfig.SiteKey;
        var stats = await pool.GetStatsAsync(site, config.Id, siteConfig.Hold);
        var peaks = await pool.GetHourlyPeaksAsync(site, config.Id);
        var snapshot = await pool.SnapshotAsync(site, config.Id);
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        var tooSmall = stats.Size < stats.RecommendedSize;
        var editing = state is not null && state.Is("edit", site, config.Id);
        var pasting = state is not null && state.Is("numbers", site, config.Id);
        var flags = new HashSet<string>();
        if (admin) flags.Add("admin");
        if (tooSmall) flags.Add("tooSmall");
        var html = PoolCard.Render(new Dictionary<string, string>
        {
            ["site"] = site, ["pool"] = config.Id, ["csrf"] = csrf,
            ["health"] = tooSmall ? "too small" : stats.ExhaustedLastDay > 0 ? "ran out today" : "healthy",
            ["healthClass"] = tooSmall ? "bad" : stats.ExhaustedLastDay > 0 ? "warn" : "ok",
            ["size"] = N(stats.Size), ["leased"] = N(stats.LeasedNow), ["free"] = N(stats.Free), ["retiring"] = N(stats.Retiring),
            ["exhaustedHour"] = N(stats.ExhaustedLastHour), ["exhaustedDay"] = N(stats.ExhaustedLastDay), ["peak"] = N(stats.PeakConcurrentDemand),
            ["recommended"] = N(stats.RecommendedSize), ["missing"] = N(Math.Max(0, stats.RecommendedSize - stats.Size)),
            ["rule"] = Describe(config.Match), ["overflow"] = config.OverflowNumber ?? "none",
            ["peakData"] = string.Join(',', peaks.Select(p => N(p.Peak))),
            ["hourData"] = string.Join(',', peaks.Select(p => ConsoleFormat.Iso(p.Hour.UtcDateTime))),
            ["peakSeries"] = string.Join(", ", peaks.Select(p => N(p.Peak))),
            ["numberCount"] = N(snapshot.All.Count), ["editOpen"] = editing ? " open" : "",
            ["pasted"] = pasting ? state!.Values["numbers"].ToString() : "",
        }, flags);
        var rows = new StringBuilder();
        foreach (var number in snapshot.All.Order(StringComparer.Ordinal))
            rows.Append(NumberRow.Render(new Dictionary<string, string>
            {
                ["site"] = site, ["pool"] = config.Id, ["csrf"] = csrf, ["number"] = number,
                ["state"] = snapshot.Retired.Contains(number) ? "retiring" : snapshot.Free.ContainsKey(number) ? "free" : "leased",
            }, admin ? new HashSet<string> { "admin" } : null));
        html = ConsoleLayout.Fill(html, "<!--numbers-->", rows.ToString());
        html = ConsoleLayout.Fill(html, "<!--editErrors-->", editing ? ErrorsHtml(state!) : "");
        html = ConsoleLayout.Fill(html, "<!--editRule-->", RuleHtml(editing ? state!.Values : null, config));
        return ConsoleLayout.Fill(html, "<!--numberErrors-->", pasting ? ErrorsHtml(state!) : "");
    }

    private static string RuleHtml(IFormCollection? typed, PoolConfig? config)
    {
        string Join(IReadOnlyList<string>? values) => values is null ? "" : string.Join(", ", values);
        var match = config?.Match;
        return Rule.Render(new Dictionary<string, string>
        {
            ["paidChecked"] = (typed is not null ? typed["paidClickId"] == "true" : match?.PaidClickId == true) ? " checked" : "",
            ["utmMedium"] = typed?["utmMedium"].ToString() ?? Join(match?.UtmMedium),
            ["utmSource"] = typed?["utmSource"].ToString() ?? Join(match?.UtmSource),
            ["referrerHosts"] = typed?["referrerHosts"].ToString() ?? Join(match?.ReferrerHosts),
            ["overflowNumber"] = typed?["overflowNumber"].ToString() ?? config?.OverflowNumber ?? "",
            ["forwardTo"] = typed?["forwardTo"].ToString() ?? config?.ForwardTo ?? "",
        });
    }

    private static string ErrorsHtml(PoolFormState state) => ConsoleErrors.Html(state.Errors, state.NumberErrors);

    /// <summary>The source rule in words.</summary>
    public static string Describe(SourceRule? rule)
    {
        if (rule is null) return "every visitor not matched by another pool";
        var parts = new List<string>();
        if (rule.PaidClickId) parts.Add("ad click id");
        if (rule.UtmMedium.Count > 0) parts.Add("utm_medium " + string.Join(", ", rule.UtmMedium));
        if (rule.UtmSource.Count > 0) parts.Add("utm_source " + string.Join(", ", rule.UtmSource));
        if (rule.ReferrerHosts.Count > 0) parts.Add("referrer " + string.Join(", ", rule.ReferrerHosts));
        return parts.Count == 0 ? "every visitor not matched by another pool" : string.Join("; ", parts);
    }
}
