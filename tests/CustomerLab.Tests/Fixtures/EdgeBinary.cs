using System.Diagnostics;

namespace CustomerLab.Tests.Fixtures;

/// <summary>Runs the built edge as its own process, as an operator would, to check start-up behaviour.</summary>
public static class EdgeBinary
{
    /// <summary>The edge's own build output (its appsettings.json sits beside it).</summary>
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "src", "CustomerLab.Edge", "bin",
        // The test output is bin/<Configuration>/net10.0/: build the edge's path with the same configuration.
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");

    public sealed record Outcome(int ExitCode, string StdOut, string StdErr);

    /// <summary>Starts the edge with the given arguments and waits (bounded) for it to exit.</summary>
    public static async Task<Outcome> RunUntilExitAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.NewTempDirectory("edge-run"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(Directory, "CustomerLab.Edge.dll"));
        psi.ArgumentList.Add("--contentRoot");
        psi.ArgumentList.Add(Directory);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The edge did not exit within {timeout.TotalSeconds} s.");
        }
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }
}
