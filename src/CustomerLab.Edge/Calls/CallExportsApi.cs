using System.Globalization;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Call exports behind the admin key: <c>/admin/exports/calls.csv</c> and <c>.json</c> (every call in a date range)
/// and <c>/admin/exports/google-ads-calls.csv</c> (attributed calls with a gclid, as a Google Ads offline
/// conversion import: click id, caller id in E.164, call start with its time zone, conversion name, value, currency).
/// Test calls (<c>simulated</c>, the demo's "place a test call") are in none of them.
/// </summary>
internal static class CallExportsApi
{
    /// <summary>Longest range one export covers, in days.</summary>
    private const int MaxRangeDays = 366;

    private static readonly string[] Columns =
    [
        "call_id", "provider", "started_at", "tracking_number", "caller_number", "caller_region", "status", "duration_seconds",
        "attribution_status", "attribution_reason", "session_id", "first_source", "first_medium", "first_campaign", "first_channel",
        "last_source", "last_medium", "last_campaign", "last_channel", "landing_page", "gclid", "msclkid", "fbclid", "publisher_id",
        "previous_calls",
    ];

    public static IEndpointRouteBuilder MapCallExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/exports").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin");
        exports.MapGet("/calls.csv", (string? site, string? from, string? to, ClickHouseClient ch, TimeProvider time, CancellationToken ct) =>
            ExportAsync(site, from, to, ch, time, json: false, ct));
        exports.MapGet("/calls.json", (string? site, string? from, string? to, ClickHouseClient ch, TimeProvider time, CancellationToken ct) =>
            ExportAsync(site, from, to, ch, time, json: true, ct));
        exports.MapGet("/google-ads-calls.csv", GoogleAdsAsync);
        exports.MapGet("/payouts.csv", PayoutsAsync);
        exports.MapGet("/google-ads-conversions.csv", GoogleAdsConversionsAsync);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(
        string? site, string? from, string? to, ClickHouseClient clickHouse, TimeProvider time, bool json, CancellationToken cancellationToken)
    {
        if (ReadRange(site, from, to, time) is not { } range) return Invalid(site, from, to, time);
        var rows = await QueryAsync(clickHouse, $"SELECT {string.Join(", ", Columns)} FROM calls FINAL WHERE site_id = {{site:String}} AND NOT simulated " +
            "AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} ORDER BY started_at", range, cancellationToken);
        var name = $"calls-{site}-{range.From:yyyyMMdd}-{range.To:yyyyMMdd}";
        if (json)
        {
            var objects = rows.Select(r => Columns.Select((c, i) => (c, r[i])).ToDictionary(p => p.c, p => p.Item2)).ToList();
            return TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(objects), "application/json", name + ".json");
        }
        var csv = new StringBuilder().AppendJoin(',', Columns).Append("\r\n");
        foreach (var row in rows) AppendCsvRow(csv, row);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", name + ".csv");
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> GoogleAdsAsync(
        string? site, string? from, string? to, string? conversionName, decimal? value, string? currency, int? minSeconds,
        ClickHouseClient clickHouse, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ReadRange(site, from, to, time) is not { } range) return Invalid(site, from, to, time);
        var errors = new Dictionary<string, string[]>();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))) errors["currency"] = ["An ISO 4217 code such as USD."];
        if (value is < 0) errors["value"] = ["Not negative."];
        if (minSeconds is < 0) errors["minSeconds"] = ["Not negative."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var parameters = new Dictionary<string, object> { ["min"] = (uint)(minSeconds ?? 0) };
        var rows = await QueryAsync(clickHouse, "SELECT gclid, caller_number, started_at FROM calls FINAL WHERE site_id = {site:String} AND NOT simulated " +
            "AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND attribution_status = 'attributed' " +
            "AND gclid != '' AND duration_seconds >= {min:UInt32} ORDER BY started_at", range, cancellationToken, parameters);
        var csv = new StringBuilder("Parameters:TimeZone=+0000\r\n")
            .Append("Google Click ID,Caller's Phone Number,Call Start Time,Conversion Name,Conversion Time,Conversion Value,Conversion Currency\r\n");
        var name = conversionName ?? "Phone call";
        foreach (var row in rows)
        {
            // Google's format: yyyy-MM-dd HH:mm:ss with the zone offset.
            var start = ((DateTime)row[2]!).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";
            AppendCsvRow(csv, [row[0], row[1], start, name, start, (value ?? 0).ToString(CultureInfo.InvariantCulture), currency ?? "USD"]);
        }
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"google-ads-calls-{site}-{range.From:yyyyMMdd}.csv");
    }

    /// <summary>
    /// Payouts per publisher with the calls behind them: one line per paid call (qualified, not a test call, with a
    /// publisher and an amount), ordered by publisher, each carrying its publisher's call count and total in that currency.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem>> PayoutsAsync(
        string? site, string? from, string? to, ClickHouseClient clickHouse, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ReadRange(site, from, to, time) is not { } range) return Invalid(site, from, to, time);
        // A verdict made by hand in the console overrides the rules' (Payouts/CallMarks.cs).
        var rows = await QueryAsync(clickHouse, $$"""
            SELECT publisher_id, currency,
                   count() OVER (PARTITION BY publisher_id, currency) AS publisher_calls,
                   toString(sum(paid) OVER (PARTITION BY publisher_id, currency)) AS publisher_total,
                   call_id, started_at, tracking_number, caller_number, talk_seconds, toString(paid) AS call_payout
            FROM
            (
                SELECT c.publisher_id AS publisher_id, {{Payouts.CallMarks.Currency}} AS currency, {{Payouts.CallMarks.Payout}} AS paid,
                       {{Payouts.CallMarks.Qualified}} AS judged, c.test_call AS test_call, c.simulated AS simulated, c.call_id AS call_id, c.started_at AS started_at,
                       c.tracking_number AS tracking_number, c.caller_number AS caller_number, c.talk_seconds AS talk_seconds
                FROM calls AS c FINAL {{Payouts.CallMarks.Join}}
                WHERE c.site_id = {site:String} AND c.started_at >= {from:DateTime64(3, 'UTC')} AND c.started_at < {to:DateTime64(3, 'UTC')}
            )
            WHERE judged AND NOT test_call AND NOT simulated AND publisher_id != '' AND paid > 0
            ORDER BY publisher_id, currency, started_at
            """, range, cancellationToken);
        var csv = new StringBuilder("publisher_id,currency,publisher_calls,publisher_total,call_id,started_at,tracking_number,caller_number,talk_seconds,payout\r\n");
        foreach (var row in rows) AppendCsvRow(csv, row);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"payouts-{site}-{range.From:yyyyMMdd}-{range.To:yyyyMMdd}.csv");
    }

    /// <summary>
    /// Leads and purchases with a gclid as Google Ads' click-conversion import (keyed by the click id; the call template
    /// above is keyed by caller id and call start, so the two stay separate exports). Page-reported purchases
    /// (unverified: anyone can send them) are left out; leads from forms are in.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem>> GoogleAdsConversionsAsync(
        string? site, string? from, string? to, string? leadName, string? purchaseName, decimal? leadValue, string? currency,
        ClickHouseClient clickHouse, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ReadRange(site, from, to, time) is not { } range) return Invalid(site, from, to, time);
        var errors = new Dictionary<string, string[]>();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))) errors["currency"] = ["An ISO 4217 code such as USD."];
        if (leadValue is < 0) errors["leadValue"] = ["Not negative."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var rows = await QueryAsync(clickHouse, "SELECT gclid, type, occurred_at, value, currency FROM conversions WHERE site_id = {site:String} " +
            "AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')} AND type IN ('lead', 'purchase') " +
            "AND (type = 'lead' OR verified) AND gclid != '' ORDER BY occurred_at", range, cancellationToken);
        var csv = new StringBuilder("Parameters:TimeZone=+0000\r\n")
            .Append("Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency\r\n");
        foreach (var row in rows)
        {
            var at = ((DateTime)row[2]!).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";
            var isLead = (string)row[1]! == "lead";
            var rowValue = Convert.ToDecimal(row[3], CultureInfo.InvariantCulture);
            var (amount, code) = rowValue > 0 ? (rowValue, (string)row[4]!) : (isLead ? leadValue ?? 0 : 0, currency ?? "USD");
            AppendCsvRow(csv, [row[0], isLead ? leadName ?? "Lead" : purchaseName ?? "Purchase", at, amount.ToString("0.####", CultureInfo.InvariantCulture), code]);
        }
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"google-ads-conversions-{site}-{range.From:yyyyMMdd}.csv");
    }

    private sealed record Range(string Site, DateTime From, DateTime To);

    /// <summary>Site and [from, to) in UTC; defaults to the last 30 days. Null when any part is invalid.</summary>
    private static Range? ReadRange(string? site, string? from, string? to, TimeProvider time) =>
        Validate(site, from, to, time, out var range).Count == 0 ? range : null;

    private static ValidationProblem Invalid(string? site, string? from, string? to, TimeProvider time) =>
        TypedResults.ValidationProblem(Validate(site, from, to, time, out _));

    private static Dictionary<string, string[]> Validate(string? site, string? from, string? to, TimeProvider time, out Range? range)
    {
        var errors = new Dictionary<string, string[]>();
        range = null;
        if (string.IsNullOrEmpty(site) || !Sites.SiteValidation.SiteKeyPattern().IsMatch(site)) errors["site"] = ["A site key is required."];
        var now = time.GetUtcNow().UtcDateTime;
        DateTime start = now.Date.AddDays(-30), end = now.AddSeconds(1);
        if (from is not null && !DateTime.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out start))
            errors["from"] = ["An ISO 8601 date or time."];
        if (to is not null && !DateTime.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out end))
            errors["to"] = ["An ISO 8601 date or time."];
        if (errors.Count == 0 && (end <= start || (end - start).TotalDays > MaxRangeDays))
            errors["to"] = [$"After from, at most {MaxRangeDays} days later."];
        if (errors.Count == 0) range = new Range(site!, start, end);
        return errors;
    }

    private static async Task<List<object?[]>> QueryAsync(ClickHouseClient clickHouse, string sql, Range range, CancellationToken cancellationToken,
        Dictionary<string, object>? extra = null)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", range.Site);
        parameters.AddParameter("from", range.From);
        parameters.AddParameter("to", range.To);
        foreach (var (name, value) in extra ?? []) parameters.AddParameter(name, value);
        var rows = new List<object?[]>();
        using var reader = await clickHouse.ExecuteReaderAsync(sql, parameters, cancellationToken: cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }
        return rows;
    }

    private static void AppendCsvRow(StringBuilder csv, object?[] row) => CsvCells.AppendRow(csv, row);

}
