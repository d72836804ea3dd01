using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CustomerLab.LoadTest;

/// <summary>The two ClickHouse curves: stored pageviews (attribution, report, analyst views, bytes on disk) and stored calls (export, report).</summary>
internal static partial class Scale
{
    private const int PageviewSites = 20;

    /// <summary>
    /// Pageviews seeded by INSERT … SELECT FROM numbers(): 20 sites, 8 pageviews per visitor (2 sessions of 4) within
    /// 4 minutes, visitors spread over the last 365 days (13 monthly partitions); a fifth paid (gclid), a third from search.
    /// </summary>
    private static string SeedPageviewsSql(long from, long count) => $"""
        INSERT INTO pageviews (event_id, site_id, event_name, timestamp, visitor_id, session_id, url, host, path, title, referrer, referrer_host,
            source, medium, channel, click_id_type, click_id, browser, os, device_type, screen_width, country_code, ip_prefix, is_bot, user_agent)
        SELECT generateUUIDv4(number), concat('sp-', toString(intDiv(number, 8) % {PageviewSites})), 'pageview',
            now64(3) - toIntervalSecond(intHash32(intDiv(number, 8)) % 31500000) - toIntervalSecond(number % 8 * 30),
            concat('v', toString(intDiv(number, 8))), concat('s', toString(intDiv(number, 4))),
            concat('https://{Host}/p/', toString(number % 50), if(intDiv(number, 8) % 5 = 0, concat('?gclid=g', toString(intDiv(number, 8))), '')),
            '{Host}', concat('/p/', toString(number % 50)), 'Scale page',
            if(number % 8 = 0, 'https://www.google.com/', ''), if(number % 8 = 0, 'www.google.com', ''),
            if(number % 8 = 0, 'Google', ''), if(number % 8 = 0, 'search', ''),
            multiIf(number % 8 != 0, 'internal', intDiv(number, 8) % 5 = 0, 'paid', intDiv(number, 8) % 3 = 0, 'search', 'direct'),
            if(intDiv(number, 8) % 5 = 0, 'gclid', ''), if(intDiv(number, 8) % 5 = 0, concat('g', toString(intDiv(number, 8))), ''),
            'Chrome', 'Linux', 'desktop', 1280, 'US', '203.0.113.0/24', false, '{EdgeClient.UserAgent}'
        FROM numbers({from}, {count})
        """;

    /// <summary>The attributor's touches read as it filters (the site's key range, the visitor, up to the call, the visitor index under FINAL).</summary>
    private const string TouchesWhere = "FROM pageviews FINAL WHERE site_id = {site:String} AND visitor_id = {visitor:String} AND timestamp <= now64(3) " +
                                        "SETTINGS use_skip_indexes_if_final = 1, use_skip_indexes_if_final_exact_mode = 0";

    private static async Task PageviewsCurveAsync(Context c, double[] points)
    {
        var (stack, probes, url) = await StartAsync(c);
        await using var _ = stack;
        using var __ = probes;
        using var client = new EdgeClient(64);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        // Site sp-0 is also a real site: 20 visitors hold leases on its pool, so calls to those numbers are attributed
        // through the edge's own path (Redis, lease history, the visitor's touches among the seeded pageviews).
        await PutSiteAsync(client, url, "sp-0", 0);
        var numbers = new BigNumberPlan().Take(40);
        await PutPoolAsync(client, url, "sp-0", numbers);
        var holders = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var answer = await client.NumberAsync(url, new Visitor(), "sp-0", $"https://{Host}/landing?gclid=lt{i}", "https://www.google.com/");
            if (answer.Number is { } n && answer.Kind == "assigned") holders.Add(n);
        }
        long seeded = 0, callSeq = 0;
        foreach (var x in points)
        {
            var target = (long)x;
            var seedWatch = Stopwatch.StartNew();
            for (; seeded < target;)
            {
                var chunk = Math.Min(1_000_000, target - seeded);
                await probes.ClickHouseAsync(SeedPageviewsSql(seeded, chunk));
                seeded += chunk;
            }
            Console.WriteLine($"    pageviews seeded to {target:N0} ({seedWatch.Elapsed.TotalSeconds:0} s)");
            if (c.Results.Has("pageviews", x)) continue;
            var values = new Dictionary<string, double>();
            // Attribution through the edge: the generic call webhook answers after attributing (synchronous).
            var callMs = new List<double>();
            var attributed = 0;
            for (var i = 0; i < 20 && holders.Count > 0; i++)
            {
                var sw = Stopwatch.StartNew();
                var call = await client.CallAsync(url, $"scale-{callSeq}", $"+1312555{2000 + callSeq % 7000:D4}", holders[i % holders.Count], DateTimeOffset.UtcNow);
                callSeq++;
                callMs.Add(sw.Elapsed.TotalMilliseconds);
                if (call.Attribution == "attributed") attributed++;
            }
            values["attributionCallMedianMs"] = ScaleProbes.Median(callMs);
            values["attributionCallP90Ms"] = callMs.Count == 0 ? 0 : callMs[(int)(callMs.Count * 0.9)];
            values["callsAttributed"] = attributed;
            // The touches query on seeded visitors of sp-0 (visitor k is on site k % 20): time and ClickHouse's read_rows.
            var touchMs = new List<double>();
            var readRows = new List<double>();
            var random = new Random(7);
            var visitors = target / 8;
            for (var i = 0; i < 10; i++)
            {
                var visitor = "v" + (random.NextInt64(visitors / PageviewSites) * PageviewSites);
                var (text, ms, rows) = await probes.ClickHouseAsync("SELECT count(), max(timestamp) " + TouchesWhere,
                    new Dictionary<string, string> { ["site"] = "sp-0", ["visitor"] = visitor });
                touchMs.Add(ms);
                readRows.Add(rows);
                if (text.StartsWith("0\t", StringComparison.Ordinal)) throw new InvalidOperationException($"seeded visitor {visitor} has no pageviews");
            }
            values["touchesQueryMedianMs"] = ScaleProbes.Median(touchMs);
            values["touchesReadRowsMedian"] = ScaleProbes.Median(readRows);
            var explain = (await probes.ClickHouseAsync("EXPLAIN indexes = 1 SELECT count() " + TouchesWhere,
                new Dictionary<string, string> { ["site"] = "sp-0", ["visitor"] = "v0" })).Text;
            // Granules of the table before any index, then what is read in the end (every index step done).
            if (GranulesRegex().Match(explain) is { Success: true } all) values["explainGranulesTotal"] = long.Parse(all.Groups[2].Value, CultureInfo.InvariantCulture);
            if (ReadRegex().Match(explain) is { Success: true } read)
            {
                values["explainPartsRead"] = long.Parse(read.Groups[1].Value, CultureInfo.InvariantCulture);
                values["explainGranulesRead"] = long.Parse(read.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            c.Results.Notes["pageviewsExplainAt" + target.ToString(CultureInfo.InvariantCulture)] = explain;
            // The report page's data, and two analyst views, for one of 20 sites.
            values["reportDataMs"] = (await ScaleProbes.AdminGetTimedAsync(http, $"{url}/admin/reports/sp-0?days=30", 3)).MedianMs;
            await ReportReadsAsync(probes, "sp-0", values);
            var sessionsMs = new List<double>();
            var conversionMs = new List<double>();
            long sessionsRows = 0, conversionRows = 0;
            for (var i = 0; i < 3; i++)
            {
                var s = await probes.ClickHouseAsync("SELECT count(), sum(pageviews) FROM sessions WHERE site_id = 'sp-0'");
                sessionsMs.Add(s.Ms);
                sessionsRows = s.ReadRows;
                var v = await probes.ClickHouseAsync("SELECT * FROM conversion_by_source WHERE site_id = 'sp-0' ORDER BY sessions DESC LIMIT 20");
                conversionMs.Add(v.Ms);
                conversionRows = v.ReadRows;
            }
            values["sessionsViewMs"] = ScaleProbes.Median(sessionsMs);
            values["sessionsViewReadRows"] = sessionsRows;
            values["conversionBySourceMs"] = ScaleProbes.Median(conversionMs);
            values["conversionBySourceReadRows"] = conversionRows;
            var disk = (await probes.ClickHouseAsync(
                $"SELECT sum(bytes_on_disk), sum(rows), count() FROM system.parts WHERE database = '{stack.Database}' AND table = 'pageviews' AND active FORMAT TabSeparated")).Text.Trim().Split('\t');
            values["pageviewsBytesOnDisk"] = double.Parse(disk[0], CultureInfo.InvariantCulture);
            values["bytesPerPageview"] = double.Parse(disk[0], CultureInfo.InvariantCulture) / Math.Max(1, double.Parse(disk[1], CultureInfo.InvariantCulture));
            values["activeParts"] = double.Parse(disk[2], CultureInfo.InvariantCulture);
            c.Results.Add(c.Path, "pageviews", Point(c, x, values));
        }
    }

    /// <summary>Calls seeded by INSERT … SELECT FROM numbers(): 10 sites, spread over the last 365 days, three in four attributed.</summary>
    private static string SeedCallsSql(long from, long count) => $"""
        INSERT INTO calls (call_id, provider, site_id, pool_id, tracking_number, caller_number, direction, status, started_at, duration_seconds,
            attribution_status, session_id, visitor_id, first_source, first_channel, last_source, last_medium, last_campaign, last_channel,
            landing_page, gclid, updated_at, version)
        SELECT concat('c', toString(number)), 'lt', concat('sc-', toString(number % 10)), 'main', concat('+1212555', toString(1000 + number % 9000)),
            concat('+1312', toString(2000000 + number % 7000000)), 'inbound', 'completed',
            now64(3) - toIntervalSecond(intHash32(number) % 31500000), number % 600,
            if(number % 4 = 0, 'no_lease', 'attributed'), concat('s', toString(number)), concat('v', toString(number % 100000)),
            'Google', if(number % 3 = 0, 'paid', 'search'), 'Google', 'cpc', concat('campaign-', toString(number % 20)), if(number % 3 = 0, 'paid', 'search'),
            'https://{Host}/landing', if(number % 3 = 0, concat('g', toString(number)), ''), now64(3), 1
        FROM numbers({from}, {count})
        """;

    private static async Task CallsCurveAsync(Context c, double[] points)
    {
        var (stack, probes, url) = await StartAsync(c);
        await using var _ = stack;
        using var __ = probes;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        long seeded = 0;
        // Unmeasured: the export and report paths once, for the JIT.
        await ScaleProbes.AdminGetTimedAsync(http, $"{url}/admin/exports/calls.csv?site=sc-0", 3);
        await ScaleProbes.AdminGetTimedAsync(http, $"{url}/admin/reports/sc-0?days=30", 3);
        foreach (var x in points)
        {
            var target = (long)x;
            for (; seeded < target;)
            {
                var chunk = Math.Min(1_000_000, target - seeded);
                await probes.ClickHouseAsync(SeedCallsSql(seeded, chunk));
                seeded += chunk;
            }
            if (c.Results.Has("calls", x)) continue;
            // The last 30 days of one site of 10 (the export's default range), and the report's data for it.
            var (exportMs, exportBytes) = await ScaleProbes.AdminGetTimedAsync(http, $"{url}/admin/exports/calls.csv?site=sc-0", 3);
            var exported = (await probes.ClickHouseAsync("SELECT count() FROM calls FINAL WHERE site_id = 'sc-0' AND started_at >= today() - 30")).ReadRows;
            var rows = long.Parse((await probes.ClickHouseAsync("SELECT count() FROM calls FINAL WHERE site_id = 'sc-0' AND started_at >= today() - 30 FORMAT TabSeparated")).Text.Trim(),
                CultureInfo.InvariantCulture);
            var report = await ScaleProbes.AdminGetTimedAsync(http, $"{url}/admin/reports/sc-0?days=30", 3);
            var values = new Dictionary<string, double>
            {
                ["exportMs"] = exportMs, ["exportBytes"] = exportBytes, ["exportRows"] = rows, ["siteRowsInWindowReadRows"] = exported,
                ["exportUsPerRow"] = rows == 0 ? 0 : exportMs * 1000 / rows, ["reportDataMs"] = report.MedianMs,
            };
            await ReportReadsAsync(probes, "sc-0", values);
            c.Results.Add(c.Path, "calls", Point(c, x, values));
        }
    }

    /// <summary>
    /// The report page's five queries and the calls export's, as <c>ReportsEndpoints</c> and <c>CallExportsApi</c> run
    /// them (site and 30 days as parameters): their read_rows say whether a report reads one site's recent rows or all of them.
    /// </summary>
    private static readonly (string Name, string Sql)[] ReportQueries =
    [
        ("callsByChannel", "SELECT toString(day), channel, sum(calls) FROM calls_by_channel_daily WHERE site_id = {site:String} AND day >= today() - {days:UInt16} GROUP BY day, channel ORDER BY day"),
        ("conversionBySource", "SELECT source, channel, sessions, sessions_with_call, conversion_rate FROM conversion_by_source WHERE site_id = {site:String} AND {days:UInt16} > 0 ORDER BY sessions DESC LIMIT 20"),
        ("poolUsage", "SELECT toString(hour), pool_id, leases_started, numbers_used, exhaustions FROM pool_usage_hourly WHERE site_id = {site:String} AND hour >= now() - INTERVAL {days:UInt16} DAY ORDER BY hour"),
        ("attributionRate", "SELECT toString(day), calls, attributed, attribution_rate FROM attribution_rate_daily WHERE site_id = {site:String} AND day >= today() - {days:UInt16} ORDER BY day"),
        ("conversions", "SELECT if(attribution_status = 'attributed', if(last_channel = '', 'unknown', last_channel), 'unattributed') AS channel, type, verified, count() " +
                        "FROM conversions WHERE site_id = {site:String} AND occurred_at >= now() - INTERVAL {days:UInt16} DAY GROUP BY channel, type, verified ORDER BY channel, type, verified"),
        ("export", "SELECT call_id, started_at FROM calls FINAL WHERE site_id = {site:String} AND NOT simulated AND started_at >= today() - {days:UInt16} ORDER BY started_at"),
    ];

    /// <summary>read_rows and ms of each report query for one site and 30 days, into <paramref name="values"/>.</summary>
    private static async Task ReportReadsAsync(ScaleProbes probes, string site, Dictionary<string, double> values)
    {
        foreach (var (name, sql) in ReportQueries)
        {
            var (_, ms, rows) = await probes.ClickHouseAsync(sql, new Dictionary<string, string> { ["site"] = site, ["days"] = "30" });
            values[$"readRows_{name}"] = rows;
            values[$"ms_{name}"] = ms;
        }
    }

    [GeneratedRegex(@"Granules: (\d+)/(\d+)")]
    private static partial Regex GranulesRegex();

    [GeneratedRegex(@"Parts: (\d+) \| Granules: (\d+)")]
    private static partial Regex ReadRegex();
}
