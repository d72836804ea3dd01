using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CustomerLab.LoadTest;

/// <summary>
/// What one spool commit's fdatasync costs on this disk, measured the way the spool writes (<c>Delivery/SpoolFiles.cs</c>):
/// a segment laid out with zeros ahead of its records, each commit an overwrite of the next bytes, then fdatasync.
/// The same writes without the sync give the rest of the cost; the difference is the sync's. Per commit: wall time and
/// the process's CPU time (user + system), for a few commit sizes.
/// </summary>
internal static class DiskSync
{
    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    public sealed record Figure(int CommitBytes, bool Sync, long Commits, double MicrosPerCommit, double CpuMicrosPerCommit, double CommitsPerSecond);

    public static List<Figure> Measure(string directory, TimeSpan each)
    {
        var figures = new List<Figure>();
        foreach (var size in new[] { 1024, 8192, 65536 })
            foreach (var sync in new[] { true, false })
                figures.Add(Run(directory, size, sync, each));
        return figures;
    }

    private static Figure Run(string directory, int size, bool sync, TimeSpan duration)
    {
        var path = Path.Combine(directory, $"disk-{size}-{sync}.seg");
        const long Segment = 64L << 20;
        using (var zero = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
        {
            var zeros = new byte[1 << 20];
            for (long at = 0; at < Segment; at += zeros.Length) RandomAccess.Write(zero, zeros, at);
            RandomAccess.FlushToDisk(zero);
        }
        var record = new byte[size];
        Random.Shared.NextBytes(record);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var fd = (int)file.DangerousGetHandle();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long commits = 0, offset = 0;
        while (clock.Elapsed < duration)
        {
            if (offset + size > Segment) offset = 0;
            RandomAccess.Write(file, record, offset);
            offset += size;
            if (sync && fdatasync(fd) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
            commits++;
        }
        var wall = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        File.Delete(path);
        return new Figure(size, sync, commits, wall.TotalMicroseconds / commits, cpu.TotalMicroseconds / commits, commits / wall.TotalSeconds);
    }
}

/// <summary>results/disk.md: the figures as a table, with the sync's own share.</summary>
internal static class DiskReport
{
    public static void Write(RunOptions options, List<DiskSync.Figure> figures)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("# Spool commit: the fdatasync's cost on this disk").AppendLine();
        sb.AppendLine($"`loadtest/run.sh disk{(options.Quick ? " --quick" : "")}` · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · directory {options.WorkDirectory} · load average {File.ReadAllText("/proc/loadavg").Trim()}").AppendLine();
        sb.AppendLine("One thread overwrites the next bytes of a zero-laid-out 64 MB segment (as the spool does), with and without fdatasync after each write.").AppendLine();
        sb.AppendLine("| commit bytes | fdatasync | commits | µs per commit (wall) | CPU µs per commit | commits/s |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in figures)
            sb.AppendLine($"| {f.CommitBytes} | {(f.Sync ? "yes" : "no")} | {f.Commits} | {f.MicrosPerCommit:0.0} | {f.CpuMicrosPerCommit:0.0} | {f.CommitsPerSecond:0} |");
        sb.AppendLine();
        foreach (var g in figures.GroupBy(f => f.CommitBytes))
        {
            var with = g.First(f => f.Sync);
            var without = g.First(f => !f.Sync);
            sb.AppendLine($"- {g.Key} B: the sync costs {with.MicrosPerCommit - without.MicrosPerCommit:0.0} µs of wall time and {with.CpuMicrosPerCommit - without.CpuMicrosPerCommit:0.0} µs of CPU per commit.");
        }
        Directory.CreateDirectory(options.OutputDirectory);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "disk.md"), sb.ToString());
        Console.WriteLine(sb.ToString());
    }
}
