using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CustomerLab.Edge.Delivery;

/// <summary>
/// The file operations under the spool's group commit. A segment is laid out with zeros ahead of the records
/// (<see cref="ZeroFill"/>), so that the records' writes overwrite blocks the file already has and
/// <see cref="DataSync"/> (fdatasync) has only the data to force, not the file's size and block map with it, which
/// roughly halves a commit's cost (loadtest/README.md). A zero length header is where a segment's records end.
/// </summary>
internal static class SpoolFiles
{
    private static readonly byte[] Zeros = new byte[64 * 1024];

    /// <summary>Writes zeros over <c>[from, to)</c>, which extends the file when it is shorter.</summary>
    public static void ZeroFill(SafeFileHandle file, long from, long to)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        for (var at = from; at < to; at += Zeros.Length)
            chunks.Add(Zeros.AsMemory(0, (int)Math.Min(Zeros.Length, to - at)));
        RandomAccess.Write(file, chunks, from);
    }

    /// <summary>
    /// Forces the file's data to the disk, and its metadata only where reading the data needs it (a new size): fdatasync
    /// on Linux, fsync elsewhere.
    /// </summary>
    public static void DataSync(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (FdataSync((int)file.DangerousGetHandle()) != 0)
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>
    /// Replaces a small text file so that a crash leaves the old text or the new, never a torn one: written to a temp
    /// file, fsynced, renamed over (the shipper's position, the spool's last segment number).
    /// </summary>
    public static void ReplaceDurably(string path, string text)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(text));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>True when the file holds only zero bytes from <paramref name="from"/> to its end (a segment's laid-out tail).</summary>
    public static bool IsZeroFrom(string path, long from)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        file.Position = from;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = file.Read(buffer)) > 0)
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0)) return false;
        return true;
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FdataSync(int fd);
}
