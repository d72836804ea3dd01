using System.Diagnostics;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// SIPp (Debian's <c>sip-tester</c>) playing the project's scenarios in <c>telephony/sipp/</c>: a business that answers
/// calls until stopped, and callers that place a bounded number of calls through the phone server.
/// </summary>
public static class Sipp
{
    public const string Binary = "/usr/bin/sipp";

    public static string Scenario(string name) => Path.Combine(RepoPaths.Root, "telephony", "sipp", name);

    private static void RequireBinary()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: run ./test.sh, which installs Debian's sip-tester.");
    }

    /// <summary>One call to place: the tracking number dialled and the caller's number.</summary>
    public sealed record Call(string TrackingNumber, string Caller);

    /// <summary>Places <paramref name="calls"/> through the phone server, at most <paramref name="concurrent"/> at once,
    /// each talking <paramref name="talkMs"/>; returns the calls that connected (number, Call-ID) and SIPp's outcome.</summary>
    public static async Task<CallerRun> CallAsync(int phoneServerPort, IReadOnlyList<Call> calls, int concurrent = 1, int ratePerSecond = 10, int talkMs = 2000)
    {
        RequireBinary();
        var directory = RepoPaths.NewTempDirectory("sipp-caller");
        var log = Path.Combine(directory, "calls.log");
        var injection = Path.Combine(directory, "calls.csv");
        await File.WriteAllLinesAsync(injection, ["SEQUENTIAL", .. calls.Select(c => $"{c.TrackingNumber};{c.Caller}")]);
        var outcome = await ProcessRunner.RunAsync(Binary,
        [
            "-sf", Scenario("caller.xml"), "-inf", injection, "-d", talkMs.ToString(),
            "-i", "127.0.0.1", "-p", FreePort.Next().ToString(), $"127.0.0.1:{phoneServerPort}",
            "-m", calls.Count.ToString(), "-l", concurrent.ToString(), "-r", ratePerSecond.ToString(),
            // A 180 relayed after the 200 OK (Kamailio's workers race) is ignored, as phones do; a missing answer still fails the call.
            "-default_behaviors", "all,-abortunexp", "-recv_timeout", "15000",
            "-nostdin", "-trace_logs", "-log_file", log, "-trace_err", "-timeout", "60s", "-timeout_error",
        ], TimeSpan.FromSeconds(90), directory);
        var connected = Logged(log, "connected ").Select(line => line.Split(' ', 2)).Select(p => (Number: p[0], CallId: p[1])).ToList();
        var refused = Logged(log, "refused ").Select(line => line.Split(' ', 3)).Select(p => (Status: int.Parse(p[0]), Number: p[1], CallId: p[2])).ToList();
        var errors = string.Join('\n', Directory.GetFiles(directory, "*_errors.log").Select(File.ReadAllText));
        return new CallerRun(outcome, connected, refused, errors);
    }

    /// <param name="Refused">Calls the phone server refused (the SIP status it answered, the number, the Call-ID).</param>
    /// <param name="Errors">SIPp's error log: what each failed call received instead of what it expected.</param>
    public sealed record CallerRun(ProcessRunner.Outcome Outcome, IReadOnlyList<(string Number, string CallId)> Connected,
        IReadOnlyList<(int Status, string Number, string CallId)> Refused, string Errors)
    {
        public string Describe() => $"sipp exit {Outcome.ExitCode}\n{Outcome.StdErr}\n{Errors}\n{string.Join('\n', Outcome.StdOut.Split('\n').TakeLast(25))}";
    }

    /// <summary>Starts a business that answers every call until disposed.</summary>
    public static Business StartBusiness()
    {
        RequireBinary();
        var port = FreePort.Next();
        var directory = RepoPaths.NewTempDirectory("sipp-business");
        var log = Path.Combine(directory, "answered.log");
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = directory };
        foreach (var arg in new[] { "-sf", Scenario("business.xml"), "-i", "127.0.0.1", "-p", port.ToString(), "-nostdin", "-trace_logs", "-log_file", log })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Business(process, port, log);
    }

    public sealed class Business(Process process, int port, string log) : IAsyncDisposable
    {
        public int Port { get; } = port;

        /// <summary>The SIP URI a site's <c>forwardSip</c> names to reach this business.</summary>
        public string Uri => $"sip:business@127.0.0.1:{Port}";

        /// <summary>Call-IDs this business answered so far.</summary>
        public IReadOnlyList<string> AnsweredCallIds => Logged(log, "answered ");

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }

    private static List<string> Logged(string path, string prefix)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var ids = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.StartsWith(prefix, StringComparison.Ordinal)) ids.Add(line[prefix.Length..].Trim());
        return ids;
    }
}
