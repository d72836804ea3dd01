using System.Net;
using System.Runtime.CompilerServices;
using CustomerLab.Edge.Delivery;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerLab.Tests.Delivery;

/// <summary>
/// 202 from <c>/v1/collect</c> means the events were fsync'ed: with the spool's fdatasync made to fail, no request is
/// acknowledged (a SIGKILL alone would also pass with no fsync at all, since the page cache survives the process).
/// </summary>
public sealed class SpoolFsyncTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    [Fact]
    public async Task Collect_AnswersNo202_IfTheFsyncFails()
    {
        var failing = new StrongBox<bool>();
        var syncs = new StrongBox<int>();
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(Collect_AnswersNo202_IfTheFsyncFails)))
        {
            TestServices = services => services.AddSingleton<SpoolDataSync>(file =>
            {
                Interlocked.Increment(ref syncs.Value);
                if (Volatile.Read(ref failing.Value)) throw new IOException("injected fdatasync failure");
                SpoolFiles.DataSync(file);
            }),
        };
        using var client = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, honourDoNotTrack: false);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendPageviewAsync(site, "https://www.example.com/before")).StatusCode);

        Volatile.Write(ref failing.Value, true);
        var syncsBefore = Volatile.Read(ref syncs.Value);
        var refused = await client.SendPageviewAsync(site, "https://www.example.com/unsynced");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(Volatile.Read(ref syncs.Value) > syncsBefore, "the request reached the fdatasync that failed");

        Volatile.Write(ref failing.Value, false);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendPageviewAsync(site, "https://www.example.com/after")).StatusCode);
    }
}
