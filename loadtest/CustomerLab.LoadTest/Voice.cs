namespace CustomerLab.LoadTest;

/// <summary>
/// The voice phase: Twilio's voice webhook for new calls to the tracking numbers of one site, signed as Twilio signs,
/// each answered with a <c>&lt;Dial&gt;</c> to the site's forward-to number (counted; anything else is an error).
/// Every call is a new CallSid, so each request also spools its call event, and the edge attributes it in the background.
/// </summary>
internal static class VoiceBench
{
    public const string Key = "lt-voice";

    /// <summary>
    /// New calls per second of the phase the p99 target is judged on: far above a deployment's peak (720,000 calls an
    /// hour on one edge), yet a rate a phone system sends, unlike half the edge's throughput.
    /// </summary>
    public const double TargetRate = 200;
    private const int Numbers = 100;

    public static async Task<List<string>> SetUpAsync(EdgeClient client, string edgeUrl, NumberPlan plan)
    {
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{Key}", new
        {
            domains = new[] { "voice.example.com" }, targets = new[] { NumberPlan.Target }, defaultNumber = NumberPlan.Default(98), region = "US",
            forwardTo = "+16175550100",
        });
        var numbers = plan.Take(Numbers);
        await client.AdminPutAsync(edgeUrl, $"/admin/sites/{Key}/pools/main", new { numbers });
        return numbers;
    }

    private static Operation Voice(EdgeClient client, string edgeUrl, List<string> numbers) => async (w, seq, _) =>
        await client.TwilioVoiceAsync(edgeUrl, $"CA{w:x4}{seq:x12}{Random.Shared.Next():x8}{Environment.TickCount64 & 0xffff:x4}",
            $"+1617555{1000 + seq % 9000:D4}", numbers[(int)(seq % numbers.Count)]);

    public static Task<EndpointStats> ClosedAsync(EdgeClient client, string edgeUrl, List<string> numbers, int concurrency, TimeSpan warmup, TimeSpan duration) =>
        Generator.ClosedAsync("/v1/calls/twilio/voice", "voice", concurrency, warmup, duration, Voice(client, edgeUrl, numbers));

    public static Task<EndpointStats> OpenAsync(EdgeClient client, string edgeUrl, List<string> numbers, double rate, TimeSpan duration, string phase) =>
        Generator.OpenAsync("/v1/calls/twilio/voice", phase, rate, 64, duration, Voice(client, edgeUrl, numbers));
}
