using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Assets;
using CustomerLab.Edge.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Reports;

/// <summary>
/// The analyst report: <c>GET /report</c> (a page with four Chart.js charts: calls by channel over time, conversion by
/// source, pool use, attribution rate; and a table of conversions by channel and type), its bundled script <c>/report/report.js</c> (built from report-js/, no CDN),
/// and the data behind it from the analyst views: <c>GET /report/data/{site}?days=30</c> for signed-in users
/// (<see cref="Accounts.AccountsEndpoints"/>), <c>GET /admin/reports/{site}</c> with an admin key.
/// </summary>
internal static class ReportsEndpoints
{
    public sealed record CallsPoint(string Day, string Channel, ulong Calls);
    public sealed record ConversionPoint(string Source, string Channel, ulong Sessions, ulong SessionsWithCall, double ConversionRate);
    public sealed record PoolPoint(string Hour, string Pool, ulong LeasesStarted, ulong NumbersUsed, ulong Exhaustions);
    public sealed record AttributionPoint(string Day, ulong Calls, ulong Attributed, double AttributionRate);

    /// <summary>
    /// Conversions (calls, texts, leads, purchases: the <c>conversions</c> view) of one channel, type and verification:
    /// unverified ones were reported by a page, which anyone can forge. Channel as in <c>calls_by_channel_daily</c>: the
    /// last touch's, <c>unknown</c> when attributed without one, <c>unattributed</c> without pageviews to attribute to.
    /// </summary>
    public sealed record ConversionsPoint(string Channel, string Type, bool Verified, ulong Conversions);

    public sealed record Report(string Site, int Days, IReadOnlyList<CallsPoint> CallsByChannel, IReadOnlyList<ConversionPoint> ConversionBySource,
        IReadOnlyList<PoolPoint> PoolUsage, IReadOnlyList<AttributionPoint> AttributionRate, IReadOnlyList<ConversionsPoint> ConversionsByChannel);

    /// <summary>The report page: a key form, a site field and four chart canvases; report.js does the rest.</summary>
    private static readonly HtmlTemplate ReportPage = new("Reports/Html/report.html");

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        // The page and its data for signed-in users; the same data for API clients with an admin key.
        app.MapGet("/report", () => TypedResults.Content(ReportPage.Render(), "text/html; charset=utf-8"))
            .RequireAuthorization(Accounts.AccountsEndpoints.Policy).ExcludeFromDescription();
        app.MapGet("/report/report.js", Script).ExcludeFromDescription();
        app.MapGet("/report/data/{site}", GetAsync).RequireAuthorization(Accounts.AccountsEndpoints.Policy)
            .AddEndpointFilter<Accounts.UserSiteFilter>().ExcludeFromDescription();
        app.MapGroup("/admin/reports").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin").MapGet("/{site}", GetAsync);
        return app;
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Script(IWebHostEnvironment environment, IConfiguration configuration) =>
        BuiltScript.Serve(environment, configuration["Reports:ScriptPath"], "report.js");

    private static async Task<Results<Ok<Report>, ValidationProblem>> GetAsync(string site, int? days, ClickHouseClient clickHouse, CancellationToken cancellationToken)
    {
        var span = days ?? 30;
        var errors = new Dictionary<string, string[]>();
        if (!Sites.SiteValidation.SiteKeyPattern().IsMatch(site)) errors["site"] = ["A site key."];
        if (span is < 1 or > 366) errors["days"] = ["Between 1 and 366."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var calls = await QueryAsync(clickHouse, site, span,
            "SELECT toString(day), channel, sum(calls) FROM calls_by_channel_daily WHERE site_id = {site:String} AND day >= today() - {days:UInt16} GROUP BY day, channel ORDER BY day",
            r => new CallsPoint((string)r[0]!, (string)r[1]!, Convert.ToUInt64(r[2])), cancellationToken);
        var conversion = await QueryAsync(clickHouse, site, span,
            "SELECT source, channel, sessions, sessions_with_call, conversion_rate FROM conversion_by_source WHERE site_id = {site:String} AND {days:UInt16} > 0 ORDER BY sessions DESC LIMIT 20",
            r => new ConversionPoint((string)r[0]!, (string)r[1]!, Convert.ToUInt64(r[2]), Convert.ToUInt64(r[3]), Convert.ToDouble(r[4])), cancellationToken);
        var pools = await QueryAsync(clickHouse, site, span,
            "SELECT toString(hour), pool_id, leases_started, numbers_used, exhaustions FROM pool_usage_hourly WHERE site_id = {site:String} AND hour >= now() - INTERVAL {days:UInt16} DAY ORDER BY hour",
            r => new PoolPoint((string)r[0]!, (string)r[1]!, Convert.ToUInt64(r[2]), Convert.ToUInt64(r[3]), Convert.ToUInt64(r[4])), cancellationToken);
        var attribution = await QueryAsync(clickHouse, site, span,
            "SELECT toString(day), calls, attributed, attribution_rate FROM attribution_rate_daily WHERE site_id = {site:String} AND day >= today() - {days:UInt16} ORDER BY day",
            r => new AttributionPoint((string)r[0]!, Convert.ToUInt64(r[1]), Convert.ToUInt64(r[2]), Convert.ToDouble(r[3])), cancellationToken);
        var conversions = await QueryAsync(clickHouse, site, span,
            """
            SELECT if(attribution_status = 'attributed', if(last_channel = '', 'unknown', last_channel), 'unattributed') AS channel, type, verified, count()
            FROM conversions WHERE site_id = {site:String} AND occurred_at >= now() - INTERVAL {days:UInt16} DAY
            GROUP BY channel, type, verified ORDER BY channel, type, verified
            """,
            r => new ConversionsPoint((string)r[0]!, (string)r[1]!, Convert.ToBoolean(r[2]), Convert.ToUInt64(r[3])), cancellationToken);
        return TypedResults.Ok(new Report(site, span, calls, conversion, pools, attribution, conversions));
    }

    private static async Task<List<T>> QueryAsync<T>(ClickHouseClient clickHouse, string site, int days, string sql, Func<object?[], T> map, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site);
        parameters.AddParameter("days", (ushort)days);
        var rows = new List<T>();
        using var reader = await clickHouse.ExecuteReaderAsync(sql, parameters, cancellationToken: cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(map(row));
        }
        return rows;
    }
}
