using System.Diagnostics;

namespace CustomerLab.Tests.Tag;

/// <summary>The size budget of issue 4: the built tag is at most 2,048 bytes with gzip -9.</summary>
public sealed class TagSizeTests
{
    private const int BudgetGzipBytes = 2048;

    [Fact]
    public async Task BuiltTag_IsAtMost2048BytesWithGzip9()
    {
        await TagBuild.EnsureBuiltAsync();
        // The real gzip, as the issue measures it (-n: no file name or time in the header).
        var psi = new ProcessStartInfo("gzip", "-9 -n -c") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var gzip = Process.Start(psi)!;
        var output = new MemoryStream();
        var ct = TestContext.Current.CancellationToken;
        var copy = gzip.StandardOutput.BaseStream.CopyToAsync(output, ct);
        await gzip.StandardInput.BaseStream.WriteAsync(await File.ReadAllBytesAsync(TagBuild.BuiltFile, ct), ct);
        gzip.StandardInput.Close();
        await copy;
        await gzip.WaitForExitAsync(ct);

        Assert.Equal(0, gzip.ExitCode);
        TestContext.Current.SendDiagnosticMessage($"tag: {new FileInfo(TagBuild.BuiltFile).Length} B raw, {output.Length} B gzip -9");
        Assert.True(output.Length <= BudgetGzipBytes, $"the tag is {output.Length} B gzipped, over the {BudgetGzipBytes} B budget");
    }
}
