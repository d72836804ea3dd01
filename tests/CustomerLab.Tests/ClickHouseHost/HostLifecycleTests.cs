using System.Diagnostics;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.ClickHouseHost;

/// <summary>Start-up, restart and process-level safety of the host.</summary>
public sealed class HostLifecycleTests(ClickHouseHostFixture host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CatchesNullReference_IfEngineIsLoaded()
    {
        // Runs inside the host process, after chDB has booted and run a query there.
        var answer = await host.Http.GetStringAsync("/__selfcheck", Ct);
        Assert.Equal("null-reference:caught divide-by-zero:caught\n", answer);
        Assert.Equal("Ok.\n", await host.Http.GetStringAsync("/ping", Ct));
    }

    [Fact]
    public async Task KeepsRows_IfHostRestarted()
    {
        // Its own host: restarting the shared one would break tests running in parallel.
        await using var own = new ClickHouseHostFixture();
        await own.StartAsync();
        using (var client = own.CreateClient())
        {
            await client.ExecuteNonQueryAsync("CREATE TABLE kept (id UInt32) ENGINE = MergeTree ORDER BY id", cancellationToken: Ct);
            await client.ExecuteNonQueryAsync("INSERT INTO kept SELECT number FROM numbers(1234)", cancellationToken: Ct);
        }

        await own.StopAsync();
        Assert.Equal(0, own.LastExitCode);
        await own.StartAsync();

        using var again = own.CreateClient();
        Assert.Equal(1234UL, Convert.ToUInt64(await again.ExecuteScalarAsync("SELECT count() FROM kept", cancellationToken: Ct)));
    }

    [Fact]
    public async Task ExitsWithOneLine_IfLibraryMissing()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CustomerLab.ClickHouseHost.dll"));
        info.Environment["ClickHouseHost__LibraryPath"] = "/nonexistent/libchdb.so";
        info.Environment["ClickHouseHost__DataPath"] = Path.Combine(Path.GetTempPath(), "customerlab-tests", $"missing-{Guid.NewGuid():N}");
        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.NotEqual(0, process.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("libchdb.so not found", line);
    }

    [Fact]
    public async Task Answers413_IfBodyLargerThanLimit()
    {
        await using var own = new ClickHouseHostFixture();
        own.Environment["ClickHouseHost__MaxBodyBytes"] = "1000";
        await own.StartAsync();

        using var small = await own.Http.PostAsync("/", new StringContent("SELECT 1"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, small.StatusCode);
        using var large = await own.Http.PostAsync("/", new StringContent("SELECT '" + new string('x', 5000) + "'"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Contains("QUERY_IS_TOO_LARGE", await large.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Answers202And503_IfAllConnectionsStayBusy()
    {
        await using var own = new ClickHouseHostFixture();
        own.Environment["ClickHouseHost__PoolSize"] = "1";
        own.Environment["ClickHouseHost__QueueTimeoutMs"] = "200";
        await own.StartAsync();

        // While a slow query holds the only connection, a quick one is refused. Which request reaches the connection
        // first is up to the scheduler, so the round repeats (bounded) until a quick query met the busy connection
        // and a slow one finished; no deadline on a clock decides it.
        HttpResponseMessage? refused = null;
        var slowAnswered = false;
        for (var round = 0; round < 10 && (refused is null || !slowAnswered); round++)
        {
            var slow = own.Http.GetAsync("/?query=SELECT+sleep(2)", Ct);
            while (refused is null && !slow.IsCompleted)
            {
                var response = await own.Http.GetAsync("/?query=SELECT+1", Ct);
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable) refused = response;
                else response.Dispose();
            }
            using var done = await slow;
            if (done.StatusCode == System.Net.HttpStatusCode.OK) slowAnswered = true;
        }
        Assert.NotNull(refused);
        Assert.True(slowAnswered, "no slow query was answered");
        Assert.Equal("202", refused.Headers.GetValues("X-ClickHouse-Exception-Code").Single());
        Assert.Contains("TOO_MANY_SIMULTANEOUS_QUERIES", await refused.Content.ReadAsStringAsync(Ct));
        refused.Dispose();
    }
}
