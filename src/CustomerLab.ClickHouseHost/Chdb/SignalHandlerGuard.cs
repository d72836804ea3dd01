using System.Runtime.InteropServices;

namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>
/// Keeps CoreCLR's signal handlers alive across chDB calls that touch signal dispositions.
/// CoreCLR turns SIGSEGV into NullReferenceException, and uses SIGILL/SIGFPE/SIGBUS/SIGTRAP/SIGABRT
/// and others. <c>chdb_set_signal_handlers_enabled(0)</c> resets chDB's deadly signals to SIG_DFL
/// (wiping .NET's handlers) and <c>chdb_connect</c> repeats that reset, so we snapshot every
/// disposition before and put it back after.
/// </summary>
internal sealed unsafe partial class SignalHandlerGuard : IDisposable
{
    private const int MaxSignal = 31;         // classic signals 1..31; real-time ones are not touched by chDB
    private const int SigKill = 9, SigStop = 19;
    private const int ActionBytes = 256;      // glibc's struct sigaction is 152 bytes on x86_64; room to spare

    private readonly byte[] _saved = new byte[(MaxSignal + 1) * ActionBytes];
    private readonly bool[] _valid = new bool[MaxSignal + 1];

    private SignalHandlerGuard()
    {
        fixed (byte* p = _saved)
        {
            for (var sig = 1; sig <= MaxSignal; sig++)
            {
                if (sig is SigKill or SigStop) continue;
                _valid[sig] = sigaction(sig, null, p + sig * ActionBytes) == 0;
            }
        }
    }

    /// <summary>Snapshots the current disposition of signals 1..31; disposing restores them.</summary>
    public static SignalHandlerGuard Capture() => new();

    public void Dispose()
    {
        fixed (byte* p = _saved)
        {
            for (var sig = 1; sig <= MaxSignal; sig++)
            {
                if (_valid[sig]) sigaction(sig, p + sig * ActionBytes, null);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static partial int sigaction(int signum, byte* act, byte* oldact);
}
