using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Hosting;

/// <summary>Configuration errors stop the real edge process with one clear line and exit code 78.</summary>
public sealed class StartupValidationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EdgeExitsWithOneLine_IfClickHouseUrlIsNotHttp()
    {
        var outcome = await EdgeBinary.RunUntilExitAsync(Timeout, "--ClickHouse:Url=ftp://127.0.0.1:8123");
        AssertOneLineFailure(outcome, "ClickHouse:Url 'ftp://127.0.0.1:8123' is not an http:// or https:// URL.");
    }

    [Fact]
    public async Task EdgeExitsWithOneLine_IfClickHouseUrlIsMissing()
    {
        var outcome = await EdgeBinary.RunUntilExitAsync(Timeout, "--ClickHouse:Url=");
        AssertOneLineFailure(outcome, "ClickHouse:Url is required");
    }

    [Fact]
    public async Task EdgeExitsWithOneLine_IfRedisUrlHasNoPort()
    {
        var outcome = await EdgeBinary.RunUntilExitAsync(Timeout, "--Redis:Url=redis://", "--ClickHouse:Url=http://127.0.0.1:1");
        AssertOneLineFailure(outcome, "Redis:Url 'redis://' is not a Redis URL");
    }

    [Fact]
    public async Task EdgeExitsWithOneLine_IfCookieSigningKeyIsMissing()
    {
        var outcome = await EdgeBinary.RunUntilExitAsync(Timeout, "--ClickHouse:Url=http://127.0.0.1:1", "--Cookies:SigningKey=");
        AssertOneLineFailure(outcome, "Cookies:SigningKey is required");
    }

    [Fact]
    public async Task EdgeNamesEveryBadKey_IfSeveralAreWrong()
    {
        var outcome = await EdgeBinary.RunUntilExitAsync(Timeout, "--Redis:Url=http://x:1", "--ClickHouse:Database=bad name");
        AssertOneLineFailure(outcome, "Redis:Url 'http://x:1'");
        Assert.Contains("ClickHouse:Database 'bad name'", outcome.StdErr);
    }

    /// <summary>Exit code 78 and one "cannot start" line naming the problem, no stack trace (other features' start-up tests use it too).</summary>
    internal static void AssertOneLineFailure(ProcessRunner.Outcome outcome, string expected)
    {
        Assert.True(outcome.ExitCode == 78, $"exit code {outcome.ExitCode}, stderr: {outcome.StdErr}");
        var lines = outcome.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("customerlab-edge: cannot start: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", outcome.StdOut + outcome.StdErr);
    }
}
