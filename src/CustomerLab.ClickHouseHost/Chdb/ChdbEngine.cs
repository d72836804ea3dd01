using System.Runtime.InteropServices;

namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>
/// Loads libchdb.so and opens connections to one data path. The engine boots with the first
/// connection and stops when the last one closes, so the pool keeps all of its connections open
/// for the lifetime of the process.
/// </summary>
internal static unsafe class ChdbEngine
{
    private static readonly Lock s_connectLock = new();
    private static bool s_signalsDisabled;

    /// <summary>Version string compiled into the library (e.g. <c>26.7.3</c>).</summary>
    public static string LibraryVersion => Marshal.PtrToStringUTF8(ChdbNative.Version()) ?? "unknown";

    /// <summary>Opens a connection; throws <see cref="InvalidOperationException"/> when chDB refuses.</summary>
    public static ChdbConnection Connect(string dataPath)
    {
        string[] args = ["clickhouse", "--path=" + dataPath];
        var argv = stackalloc nint[args.Length];
        for (var i = 0; i < args.Length; i++) argv[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
        try
        {
            nint conn;
            lock (s_connectLock)
            {
                // chDB's opt-out resets its deadly signals to SIG_DFL, wiping CoreCLR's handlers
                // (SIGSEGV -> NullReferenceException), and chdb_connect repeats that reset while the
                // opt-out is set. Snapshot every disposition first and put them all back afterwards.
                using (SignalHandlerGuard.Capture())
                {
                    if (!s_signalsDisabled)
                    {
                        ChdbNative.SetSignalHandlersEnabled(0);
                        s_signalsDisabled = true;
                    }
                    conn = ChdbNative.Connect(args.Length, argv);
                }
            }
            if (conn == 0 || *(nint*)conn == 0)
            {
                throw new InvalidOperationException($"chdb_connect failed for data path '{dataPath}'");
            }
            return new ChdbConnection(conn);
        }
        finally
        {
            for (var i = 0; i < args.Length; i++) Marshal.FreeCoTaskMem(argv[i]);
        }
    }
}
