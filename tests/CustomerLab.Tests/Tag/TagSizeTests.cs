using System.Diagnostics;
using System.Text.Json;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// The size budgets: the tag sites embed (cl.js) is at most 2,048 bytes with gzip -9, its lazily loaded extension
/// (cl-more.js) at most 1,152, the leads file (cl-leads.js, only where used) at most 1,344; the build enforces the
/// same and reports the same figures.
/// </summary>
public sealed class TagSizeTests
{
    public static TheoryData<string, int> Files() => new() { { "cl", 2048 }, { "cl-more", 1152 }, { "cl-leads", 1344 } };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task BuiltFile_IsWithinItsGzipBudget(string name, int budgetGzipBytes)
    {
        await TagBuild.EnsureBuiltAsync();
        var file = Path.Combine(TagBuild.Directory, "dist", name + ".js");
        var gzipped = await GzipLengthAsync(file);

        TestContext.Current.SendDiagnosticMessage($"{name}.js: {new FileInfo(file).Length} B raw, {gzipped} B gzip -9");
        Assert.True(gzipped <= budgetGzipBytes, $"{name}.js is {gzipped} B gzipped, over its {budgetGzipBytes} B budget");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task BuildReport_CountsTheSameGzipSizeAndBudget(string name, int budgetGzipBytes)
    {
        await TagBuild.EnsureBuiltAsync();
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(TagBuild.Directory, "dist", name + ".js");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TagBuild.Directory, "dist", name + ".json"), ct));
        var gzipped = await GzipLengthAsync(file);

        Assert.Equal(budgetGzipBytes, report.RootElement.GetProperty("budget").GetInt32());
        Assert.Equal(new FileInfo(file).Length, report.RootElement.GetProperty("raw").GetInt64());
        // The build measures with `gzip -9 -c` of the file too, so its budget check and this test agree to the byte.
        Assert.Equal(gzipped, report.RootElement.GetProperty("gzip").GetInt64());
    }

    /// <summary>
    /// The real gzip of the file, as a reviewer measures it: `gzip -9 -c dist/NAME.js`, whose header carries the
    /// file's name (a few bytes more than `-n`).
    /// </summary>
    private static async Task<long> GzipLengthAsync(string file)
    {
        var psi = new ProcessStartInfo("gzip", ["-9", "-c", file]) { RedirectStandardOutput = true };
        using var gzip = Process.Start(psi)!;
        var output = new MemoryStream();
        var ct = TestContext.Current.CancellationToken;
        await gzip.StandardOutput.BaseStream.CopyToAsync(output, ct);
        await gzip.WaitForExitAsync(ct);
        Assert.Equal(0, gzip.ExitCode);
        return output.Length;
    }
}
