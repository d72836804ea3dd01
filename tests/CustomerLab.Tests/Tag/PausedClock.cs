using Microsoft.Playwright;

namespace CustomerLab.Tests.Tag;

/// <summary>A page whose timers and time move only when the test runs them forward (Playwright's clock).</summary>
internal static class PausedClock
{
    /// <summary>
    /// Installs the fake clock and pauses it. The installed clock runs in real time until the pause, and pausing at a
    /// time already passed is an error, so the pause is an hour ahead: no loaded machine stalls that long between the
    /// two calls. Tests move time relative to the pause (<c>RunForAsync</c>), never to a wall-clock instant.
    /// </summary>
    public static async Task InstallAsync(IPage page)
    {
        var start = DateTime.UtcNow;
        await page.Clock.InstallAsync(new ClockInstallOptions { TimeDate = start });
        await page.Clock.PauseAtAsync(start.AddHours(1));
    }
}
