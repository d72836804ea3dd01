using System.Diagnostics;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Tag;

/// <summary>
/// The built tag (tag-js/dist/cl.js). ./test.sh builds it before the suite; when it is missing or older than its
/// sources (a direct <c>dotnet test</c> after editing tag-js), it is built here once per run with the pinned esbuild.
/// </summary>
public static class TagBuild
{
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "tag-js");
    public static string BuiltFile { get; } = Path.Combine(Directory, "dist", "cl.js");

    /// <summary>The tag's extension (split numbers, shadow roots), which cl.js loads after its first answer.</summary>
    public static string MoreFile { get; } = Path.Combine(Directory, "dist", "cl-more.js");

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _checked;

    public static async Task EnsureBuiltAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_checked) return;
            var sources = System.IO.Directory.GetFiles(Path.Combine(Directory, "src"), "*.js").Append(Path.Combine(Directory, "build.mjs"));
            var stale = !File.Exists(BuiltFile) || !File.Exists(MoreFile) || !File.Exists(Path.Combine(Directory, "dist", "cl-leads.js")) || sources.Any(s => File.GetLastWriteTimeUtc(s) > File.GetLastWriteTimeUtc(BuiltFile));
            if (stale)
            {
                if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "terser")))
                    await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error");
                await RunAsync("npm", "run build");
            }
            _checked = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task RunAsync(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {arguments}` in tag-js failed ({process.ExitCode}): {await stdout}{await stderr}");
    }
}
