namespace CustomerLab.Edge.Accounts;

/// <summary>Limits of the sign-in (<c>POST /login</c>), so it cannot be used to burn the edge's CPU.</summary>
public sealed class LoginOptions
{
    public const string Section = "Login";

    /// <summary>Sign-in attempts one client network (IPv4 /24, IPv6 /64) may make per window. The default is 10.</summary>
    public int AttemptsPerPrefix { get; set; } = 10;

    /// <summary>The window of <see cref="AttemptsPerPrefix"/>, in seconds. The default is 60.</summary>
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Failed attempts on one account name before each further attempt must wait. The default is 5.</summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>
    /// Longest wait between attempts on one account, in seconds: the wait doubles with each failure past
    /// <see cref="FreeFailures"/> (1 s, 2 s, 4 s …) up to this. The account is never locked. The default is 60.
    /// </summary>
    public int MaxDelaySeconds { get; set; } = 60;

    /// <summary>
    /// Password hashes computed at once by one edge (each costs tens of milliseconds of CPU). The default is half the
    /// processors, at least one, so the tag's endpoints keep the other half under a sign-in flood.
    /// </summary>
    public int MaxConcurrentHashes { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// Password hashes one edge starts per second, whatever their concurrency. A hash costs tens of milliseconds of one
    /// core, so this bounds the share of the CPU a sign-in flood can take from the tag's endpoints (3 a second: well under a
    /// fifth of one core); people signing in need a few a minute. The default is 3.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int HashesPerSecond { get; set; } = 3;

    /// <summary>Longest wait for a hashing slot, in milliseconds, before answering 503. The default is 2,000.</summary>
    public int HashQueueMs { get; set; } = 2000;
}
