using System.Net;
using System.Text.Json;
using ClickHouse.Driver;
using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Calls;

/// <summary>What the call tests share: sites with a forward-to number, and reading the calls table.</summary>
public static class CallsTesting
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A site on example.com with a forward-to number and one pool (its own forward-to and overflow number optional).</summary>
    public static async Task CreateSiteAsync(EdgeClient admin, string siteKey, IEnumerable<string> numbers, string forwardTo, object? calls = null,
        string poolId = "main", string? poolForwardTo = null, string? overflow = null, string defaultNumber = "+12025550199")
    {
        var site = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{siteKey}",
            new { domains = new[] { "example.com" }, targets = new[] { "+12025550198" }, defaultNumber, forwardTo, calls });
        Assert.True(site.IsSuccessStatusCode, await site.Content.ReadAsStringAsync(Ct));
        var pool = await admin.AdminAsync(HttpMethod.Put, $"/admin/sites/{siteKey}/pools/{poolId}",
            new { numbers, forwardTo = poolForwardTo, overflowNumber = overflow });
        Assert.True(pool.IsSuccessStatusCode, await pool.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A fresh valid US number no other test uses (for forward-to numbers).</summary>
    public static string NewNumber() => Numbers.NumbersEdgeFixture.Numbers(1)[0];

    public static async Task<ulong> CountAsync(ClickHouseClient clickHouse, string sql) =>
        Convert.ToUInt64(await clickHouse.ExecuteScalarAsync(sql, cancellationToken: Ct));

    /// <summary>Waits until the call's row is in ClickHouse and every spooled call event of the edge has been applied.</summary>
    public static async Task WaitForCallAsync(EdgeApplication edge, ClickHouseClient clickHouse, string callId, TimeSpan? timeout = null)
    {
        var log = edge.Services.GetRequiredService<CallEventLog>();
        await Poll.UntilAsync(async () => log.Pending == 0 && await CountAsync(clickHouse, $"SELECT count() FROM calls FINAL WHERE call_id = '{callId}'") == 1,
            timeout ?? TimeSpan.FromSeconds(30), $"call {callId} in ClickHouse", () => $"{log.Pending} call events pending; {string.Join(" | ", edge.Logs.Lines.TakeLast(5))}");
    }

    /// <summary>The call's row (FINAL), every column as text.</summary>
    public static async Task<Dictionary<string, string>> CallRowAsync(ClickHouseClient clickHouse, string callId)
    {
        var row = await RowOrNullAsync(clickHouse, $"SELECT * FROM calls FINAL WHERE call_id = '{callId}'");
        Assert.True(row is not null, $"no row for call {callId}");
        return row;
    }

    /// <summary>The first row of a query, every column as text (arrays as <c>['a','b']</c>); null when there is none.</summary>
    public static async Task<Dictionary<string, string>?> RowOrNullAsync(ClickHouseClient clickHouse, string sql)
    {
        using var reader = await clickHouse.ExecuteReaderAsync(sql, cancellationToken: Ct);
        var row = new Dictionary<string, string>();
        if (!await reader.ReadAsync(Ct)) return null;
        for (var i = 0; i < reader.FieldCount; i++)
            row[reader.GetName(i)] = reader.GetValue(i) switch
            {
                string s => s,
                bool b => b ? "true" : "false",
                System.Collections.IEnumerable e => "[" + string.Join(",", e.Cast<object>().Select(x => $"'{x}'")) + "]",
                var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
        return row;
    }

    /// <summary>One row, every column as text (NULL as empty).</summary>
    public static async Task<Dictionary<string, string>> RowAsync(ClickHouseClient clickHouse, string sql)
    {
        using var reader = await clickHouse.ExecuteReaderAsync(sql, cancellationToken: Ct);
        Assert.True(await reader.ReadAsync(Ct), $"no row for {sql}");
        var row = new Dictionary<string, string>();
        for (var i = 0; i < reader.FieldCount; i++)
            row[reader.GetName(i)] = reader.GetValue(i) switch
            {
                null or DBNull => "",
                bool b => b ? "true" : "false",
                var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
        return row;
    }

    /// <summary>Twilio's recording status callback of the Dial's recording.</summary>
    public static Dictionary<string, string> RecordingCallback(TwilioCall call, string recordingSid) => new()
    {
        ["AccountSid"] = TwilioCall.AccountSid, ["CallSid"] = call.CallSid, ["RecordingSid"] = recordingSid,
        ["RecordingUrl"] = $"https://api.twilio.com/2010-04-01/Accounts/{TwilioCall.AccountSid}/Recordings/{recordingSid}",
        ["RecordingStatus"] = "completed", ["RecordingDuration"] = "38", ["RecordingChannels"] = "2", ["RecordingSource"] = "DialVerb",
        ["RecordingTrack"] = "both", ["RecordingStartTime"] = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture), ["ErrorCode"] = "0",
    };

    /// <summary>Signs in through <c>POST /login</c> as a new report user who may read <paramref name="sites"/>; the client keeps the cookie.</summary>
    public static async Task SignInAsync(EdgeApplication edge, HttpClient http, params string[] sites)
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        var accounts = edge.Services.GetRequiredService<AccountStore>();
        await accounts.SetAsync(name, "a long enough password");
        await accounts.SetSitesAsync(name, new SiteAccess(false, sites.ToHashSet(StringComparer.Ordinal)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent([new("name", name), new("password", "a long enough password"), new("returnUrl", "/report")]),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        var response = await http.SendAsync(request, Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)response.StatusCode}");
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
