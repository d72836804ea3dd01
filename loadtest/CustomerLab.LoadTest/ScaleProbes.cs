using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace CustomerLab.LoadTest;

/// <summary>Unique US numbers for big pools: 9,000 per area code (555-1000 … 555-9999), none in 202 (the other phases' plan).</summary>
internal sealed class BigNumberPlan
{
    private static readonly string[] AreaCodes =
    [
        "201", "203", "205", "206", "207", "208", "209", "210", "212", "213", "214", "215", "216", "217", "218", "219", "224", "225", "228", "229",
        "231", "234", "239", "240", "248", "251", "252", "253", "254", "256", "260", "262", "267", "269", "270", "276", "281", "301", "302", "303",
        "304", "305", "307", "308", "309", "310", "312", "313", "314", "315", "316", "317", "318", "319", "320", "321", "323", "325", "330", "334",
        "336", "337", "339", "347", "351", "352", "360", "361", "386", "401", "402", "404", "405", "406", "407", "408", "409", "410", "412", "413",
    ];
    private int _next;

    public List<string> Take(int count)
    {
        var numbers = new List<string>(count);
        for (var i = 0; i < count; i++, _next++)
            numbers.Add($"+1{AreaCodes[_next / 9000]}555{1000 + _next % 9000:D4}");
        return numbers;
    }
}

/// <summary>What the scale curves read beside the HTTP timings: Redis's own counters and ClickHouse's read counters.</summary>
internal sealed class ScaleProbes(Stack stack) : IDisposable
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect($"127.0.0.1:{stack.RedisPort},allowAdmin=true");
    private readonly HttpClient _clickHouse = new() { Timeout = TimeSpan.FromMinutes(10) };

    public IDatabase Redis => _redis.GetDatabase();

    private async Task<string> InfoAsync(string section) => (string)(await Redis.ExecuteAsync("INFO", section))!;

    /// <summary>used_memory from INFO memory, in bytes.</summary>
    public async Task<long> UsedMemoryAsync()
    {
        foreach (var line in (await InfoAsync("memory")).Split('\n'))
            if (line.StartsWith("used_memory:", StringComparison.Ordinal)) return long.Parse(line[12..].Trim(), CultureInfo.InvariantCulture);
        return 0;
    }

    /// <summary>Calls and µs inside Redis of every script command (EVAL, EVALSHA, FCALL) so far, from INFO commandstats.</summary>
    public async Task<(long Calls, long Micros)> ScriptStatsAsync()
    {
        long calls = 0, micros = 0;
        foreach (var line in (await InfoAsync("commandstats")).Split('\n'))
        {
            if (!line.StartsWith("cmdstat_eval", StringComparison.Ordinal) && !line.StartsWith("cmdstat_fcall", StringComparison.Ordinal)) continue;
            foreach (var field in line[(line.IndexOf(':') + 1)..].Split(','))
            {
                var kv = field.Split('=');
                if (kv[0] == "calls") calls += long.Parse(kv[1], CultureInfo.InvariantCulture);
                if (kv[0] == "usec") micros += long.Parse(kv[1], CultureInfo.InvariantCulture);
            }
        }
        return (calls, micros);
    }

    public async Task<long> MemoryUsageAsync(string key) => (long?)(await Redis.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0;

    /// <summary>The first key matching the pattern (SCAN), or null.</summary>
    public async Task<string?> FirstKeyAsync(string pattern)
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000)) return key;
        return null;
    }

    /// <summary>
    /// A statement on the ClickHouse host's HTTP interface with <c>param_*</c> values; returns the text, the time and
    /// ClickHouse's own read_rows (its <c>X-ClickHouse-Summary</c> header).
    /// </summary>
    public async Task<(string Text, double Ms, long ReadRows)> ClickHouseAsync(string sql, IReadOnlyDictionary<string, string>? parameters = null)
    {
        // The edge sends do_not_merge_across_partitions_select_final with every query (ClickHouseServiceCollectionExtensions); so do these.
        var url = new StringBuilder($"{stack.ClickHouseUrl}/?database={stack.Database}&do_not_merge_across_partitions_select_final=1");
        foreach (var (k, v) in parameters ?? new Dictionary<string, string>()) url.Append("&param_").Append(k).Append('=').Append(Uri.EscapeDataString(v));
        using var content = new StringContent(sql, Encoding.UTF8);
        var sw = Stopwatch.StartNew();
        using var response = await _clickHouse.PostAsync(url.ToString(), content);
        var text = await response.Content.ReadAsStringAsync();
        var ms = sw.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"ClickHouse {(int)response.StatusCode}: {text}");
        long readRows = 0;
        if (response.Headers.TryGetValues("X-ClickHouse-Summary", out var summaries)
            && JsonNode.Parse(summaries.First())?["read_rows"]?.GetValue<string>() is { } rows)
            readRows = long.Parse(rows, CultureInfo.InvariantCulture);
        return (text, ms, readRows);
    }

    /// <summary>Median of <paramref name="times"/> runs of an HTTP GET on the edge with the admin key, in ms.</summary>
    public static async Task<(double MedianMs, long Bytes)> AdminGetTimedAsync(HttpClient http, string url, int times)
    {
        var samples = new List<double>();
        long bytes = 0;
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("X-Api-Key", Stack.AdminKey);
            var sw = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            samples.Add(sw.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET {url}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
            bytes = body.Length;
        }
        return (Median(samples), bytes);
    }

    public static double Median(List<double> samples)
    {
        samples.Sort();
        return samples.Count == 0 ? 0 : samples[samples.Count / 2];
    }

    public void Dispose()
    {
        _redis.Dispose();
        _clickHouse.Dispose();
    }
}
