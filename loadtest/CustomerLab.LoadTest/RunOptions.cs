namespace CustomerLab.LoadTest;

/// <summary>Command line of the tool.</summary>
internal sealed record RunOptions(string Command, string? FaultKind, bool Quick, string RepoRoot, string OutputDirectory, string WorkDirectory,
    string? PidFile, int GraceMinutes, bool Fresh = false, string? Curve = null, string? SpoolFsync = null)
{
    /// <summary>The name of the result files: <c>quick</c>, <c>full</c>, <c>fault-redis</c>…</summary>
    public string Name => Command switch
    {
        "fault" => $"fault-{FaultKind}" + (Quick ? "-quick" : ""),
        "full" when Quick => "quick",
        _ => Command + (Quick ? "-quick" : "") + (SpoolFsync is { } fsync ? "-fsync-" + fsync.ToLowerInvariant() : ""),
    };

    public static RunOptions? Parse(string[] args)
    {
        if (args.Length == 0) return null;
        var command = args[0];
        string? fault = null;
        var rest = args.Skip(1).ToList();
        if (command == "fault")
        {
            if (rest.Count == 0 || rest[0] is not ("clickhouse" or "redis" or "redis-flush" or "redis-fresh" or "redis-hang" or "edge")) return null;
            fault = rest[0];
            rest.RemoveAt(0);
        }
        if (command is not ("baseline" or "number" or "new" or "collect" or "voice" or "signin" or "full" or "fault" or "nginx" or "calls" or "model" or "scale" or "disk")) return null;
        var root = FindRoot();
        string Value(string name, string fallback)
        {
            var i = rest.IndexOf(name);
            return i >= 0 && i + 1 < rest.Count ? rest[i + 1] : fallback;
        }
        return new RunOptions(command, fault, rest.Contains("--quick"), root,
            Path.GetFullPath(Value("--out", Path.Combine(root, "loadtest", "results"))),
            Path.GetFullPath(Value("--work", Path.Combine(Path.GetTempPath(), "customerlab-loadtest"))),
            rest.Contains("--pidfile") ? Value("--pidfile", "") : null,
            int.Parse(Value("--grace", command is "full" or "nginx" or "model" ? "1" : "0")), rest.Contains("--fresh"), rest.Contains("--curve") ? Value("--curve", "") : null,
            rest.Contains("--spool-fsync") ? Value("--spool-fsync", "Always") : null);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CustomerLab.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
