namespace CustomerLab.Tests.Fixtures;

/// <summary>Runs the built edge as its own process, as an operator would, to check start-up behaviour.</summary>
public static class EdgeBinary
{
    /// <summary>The edge's own build output (its appsettings.json sits beside it).</summary>
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "src", "CustomerLab.Edge", "bin",
        // The test output is bin/<Configuration>/net10.0/: build the edge's path with the same configuration.
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");

    /// <summary>Starts the edge with the given arguments and waits (bounded) for it to exit.</summary>
    public static Task<ProcessRunner.Outcome> RunUntilExitAsync(TimeSpan timeout, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(Directory, "CustomerLab.Edge.dll"), "--contentRoot", Directory, .. args], timeout,
            RepoPaths.NewTempDirectory("edge-run"));
}
