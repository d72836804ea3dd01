using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Hosting;

namespace CustomerLab.Tests.Privacy;

/// <summary>Follow-up settings out of range stop the real edge process at start-up with one clear line.</summary>
public sealed class PrivacyFollowUpOptionsTests
{
    [Fact]
    public async Task EdgeExitsWithOneLine_IfFollowUpDelayOrPollIsOutOfRange()
    {
        var outcome = await EdgeBinary.RunUntilExitAsync(TimeSpan.FromSeconds(60), "--ClickHouse:Url=http://127.0.0.1:1",
            "--Privacy:FollowUpDelaySeconds=0", "--Privacy:FollowUpPollSeconds=301");

        StartupValidationTests.AssertOneLineFailure(outcome, "Privacy:FollowUpDelaySeconds must be between 1 and 86,400 (a day).");
        Assert.Contains("Privacy:FollowUpPollSeconds must be between 1 and 300.", outcome.StdErr);
    }
}
