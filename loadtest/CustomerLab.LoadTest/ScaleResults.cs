using System.Globalization;
using System.Text.Json;

namespace CustomerLab.LoadTest;

/// <summary>One measured point of a scale curve: x (pool size, live leases, sites, rows) and what was measured there.</summary>
internal sealed record ScalePoint(double X, Dictionary<string, double> Values, DateTime MeasuredAt, bool Quick, string LoadAverage);

/// <summary>
/// <c>results/scale.json</c>: every curve's points, saved after each point, so a run that stops (time limit, a crash)
/// resumes where it was: a later run skips the points already there unless told <c>--fresh</c>.
/// </summary>
internal sealed class ScaleResults
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public Dictionary<string, List<ScalePoint>> Curves { get; set; } = [];
    public Dictionary<string, string> Notes { get; set; } = [];

    public static ScaleResults Load(string path, bool fresh) =>
        !fresh && File.Exists(path) ? JsonSerializer.Deserialize<ScaleResults>(File.ReadAllText(path), Json) ?? new() : new();

    public bool Has(string curve, double x) => Curves.TryGetValue(curve, out var points) && points.Any(p => p.X == x);

    public void Add(string path, string curve, ScalePoint point)
    {
        var points = Curves.TryGetValue(curve, out var list) ? list : Curves[curve] = [];
        points.RemoveAll(p => p.X == point.X);
        points.Add(point);
        points.Sort((a, b) => a.X.CompareTo(b.X));
        Save(path);
        Console.WriteLine($"    {curve} @ {point.X:N0}: " + string.Join(", ", point.Values.Select(v => $"{v.Key} {v.Value.ToString("0.###", CultureInfo.InvariantCulture)}")));
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The scale charts: one per curve, x on a log10 axis, the curve's time figures as series.</summary>
internal static class ScaleCharts
{
    public static readonly Dictionary<string, (string Title, string XLabel, string YLabel, string[] Series)> Layout = new()
    {
        ["pool"] = ("Assignment cost by pool size", "numbers in the pool (log10)", "ms (µs for Redis)", ["assignP50Ms", "assignP99Ms", "redisUsPerScript"]),
        ["leases"] = ("Assignment and renewal by live leases", "live leases (log10; 0 drawn at 1)", "ms (µs for Redis)", ["assignP50Ms", "assignP99Ms", "renewP50Ms", "renewP99Ms", "redisUsPerAssign"]),
        ["sites"] = ("Site lookup by number of sites", "sites (log10)", "ms", ["lookupP50Ms", "lookupP99Ms"]),
        ["pageviews"] = ("Attribution, report and analyst views by stored pageviews", "pageviews stored (log10)", "ms", ["attributionCallMedianMs", "touchesQueryMedianMs", "reportDataMs", "sessionsViewMs", "conversionBySourceMs"]),
        ["calls"] = ("Export and report by stored calls", "calls stored (log10)", "ms", ["exportMs", "reportDataMs"]),
    };

    public static void Write(string directory, ScaleResults results)
    {
        foreach (var (curve, points) in results.Curves)
        {
            if (!Layout.TryGetValue(curve, out var layout) || points.Count == 0) continue;
            var plot = new ScottPlot.Plot();
            foreach (var series in layout.Series)
            {
                var present = points.Where(p => p.Values.ContainsKey(series)).ToList();
                if (present.Count == 0) continue;
                var line = plot.Add.Scatter(present.Select(p => Math.Log10(Math.Max(1, p.X))).ToArray(), present.Select(p => p.Values[series]).ToArray());
                line.LegendText = series;
            }
            plot.Title(layout.Title);
            plot.XLabel(layout.XLabel);
            plot.YLabel(layout.YLabel);
            plot.ShowLegend(ScottPlot.Edge.Right);
            plot.SavePng(Path.Combine(directory, $"scale-{curve}.png"), 1000, 500);
        }
    }
}
