namespace CustomerLab.Tests.Fixtures;

/// <summary>Waits for a condition by polling it, instead of sleeping a guessed time.</summary>
public static class Poll
{
    /// <summary>
    /// The pause starts short, for conditions that hold almost at once, and grows to a quarter second: most waits are
    /// for rows in ClickHouse, and each look is a query the shared host's two cores pay for.
    /// </summary>
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50), LongestPause = TimeSpan.FromMilliseconds(250);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnose = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        var pause = FirstPause;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception ex)
            {
                last = ex;
            }
            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, (long)(pause.Ticks * 1.5)));
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}." + (last is null ? "" : $" Last error: {last.Message}") + (diagnose is null ? "" : " " + diagnose()));
    }

    /// <summary>How long an edge may take to become ready before a test gives up on it.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The one readiness wait: until the edge's <c>/readyz</c> answers 200 (stores up, schema migrated). An in-process
    /// edge waits through <see cref="EdgeApplication.WaitReadyAsync"/>, which awaits its migration before polling.
    /// </summary>
    public static Task UntilReadyAsync(HttpClient http, string what = "the edge", Func<string>? diagnose = null) =>
        UntilAsync(async () =>
        {
            using var response = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }, ReadyTimeout, $"{what} to be ready (/readyz)", diagnose);
}
