using System.Diagnostics;
using System.Text.Json;

namespace CustomerLab.Tests.Tag;

/// <summary>The size budget of issue 20: the built tag is at most 2,304 bytes with gzip -9, and the build enforces the same.</summary>
public sealed class TagSizeTests
{
    private const int BudgetGzipBytes = 2304;

    [Fact]
    public async Task BuiltTag_IsAtMost2304BytesWithGzip9()
    {
        await TagBuild.EnsureBuiltAsync();
        var gzipped = await GzipLengthAsync(await File.ReadAllBytesAsync(TagBuild.BuiltFile, TestContext.Current.CancellationToken));

        TestContext.Current.SendDiagnosticMessage($"tag: {new FileInfo(TagBuild.BuiltFile).Length} B raw, {gzipped} B gzip -9");
        Assert.True(gzipped <= BudgetGzipBytes, $"the tag is {gzipped} B gzipped, over the {BudgetGzipBytes} B budget");
    }

    [Fact]
    public async Task BuildReport_CountsTheSameGzipSizeAndBudget()
    {
        await TagBuild.EnsureBuiltAsync();
        var ct = TestContext.Current.CancellationToken;
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TagBuild.Directory, "dist", "cl.json"), ct));
        var gzipped = await GzipLengthAsync(await File.ReadAllBytesAsync(TagBuild.BuiltFile, ct));

        Assert.Equal(BudgetGzipBytes, report.RootElement.GetProperty("budget").GetInt32());
        Assert.Equal(new FileInfo(TagBuild.BuiltFile).Length, report.RootElement.GetProperty("raw").GetInt64());
        // The build measures with gzip(1) -9 -n too, so its budget check and this test agree to the byte.
        Assert.Equal(gzipped, report.RootElement.GetProperty("gzip").GetInt64());
    }

    /// <summary>The real gzip, as the issue measures it (-n: no file name or time in the header).</summary>
    private static async Task<long> GzipLengthAsync(byte[] bytes)
    {
        var psi = new ProcessStartInfo("gzip", "-9 -n -c") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var gzip = Process.Start(psi)!;
        var output = new MemoryStream();
        var ct = TestContext.Current.CancellationToken;
        var copy = gzip.StandardOutput.BaseStream.CopyToAsync(output, ct);
        await gzip.StandardInput.BaseStream.WriteAsync(bytes, ct);
        gzip.StandardInput.Close();
        await copy;
        await gzip.WaitForExitAsync(ct);
        Assert.Equal(0, gzip.ExitCode);
        return output.Length;
    }
}
