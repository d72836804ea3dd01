using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Sites;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CustomerLab.Tests.Record;

/// <summary>Reconcile finds where Redis drifted from the record, repairs it, and reports it on /metrics and in the log.</summary>
public sealed class ReconcileTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DriftInConfigPoolIndexAndClaims_IsRepairedFromTheRecord_AndCounted()
    {
        var database = EdgeApplication.DatabaseFor(nameof(DriftInConfigPoolIndexAndClaims_IsRepairedFromTheRecord_AndCounted));
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, database);
        using var admin = new EdgeClient(edge);
        var site = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(4);
        await admin.CreateSiteAsync(site, numbers[..3]);
        var redis = edge.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var pool = edge.Services.GetRequiredService<NumberPool>();

        // Drift of every kind: the site's JSON changed by hand, a number lost from the pool with its index entry and
        // claim, and a number in the pool that no acknowledged change put there.
        var configKey = $"cl:{{{site}}}:config";
        var recorded = (string)(await redis.StringGetAsync(configKey))!;
        await redis.StringSetAsync(configKey, recorded.Replace("12025550199", "12025550100"));
        await redis.SortedSetRemoveAsync($"cl:{{{site}}}:p:main:free", numbers[0]);
        await redis.SetRemoveAsync($"cl:{{{site}}}:p:main:all", numbers[0]);
        await redis.HashDeleteAsync("cl:numbers", numbers[1]);
        await redis.KeyDeleteAsync(NumberClaims.KeyFor(numbers[2]));
        await pool.AddNumbersAsync(site, "main", [numbers[3]]);

        var drift = await edge.Services.GetRequiredService<RecordReconciler>().ReconcileAsync(Ct);

        Assert.Equal(1, drift["config"]);
        Assert.Equal(1, drift["number_missing"]);
        Assert.Equal(1, drift["number_extra"]);
        Assert.True(drift["index"] >= 1 && drift["claim"] >= 1, string.Join(", ", drift));
        Assert.Equal(recorded, (string)(await redis.StringGetAsync(configKey))!);
        Assert.Equal(numbers[..3].Order(), (await pool.SnapshotAsync(site, "main")).All.Order());
        Assert.Equal(site, (await edge.Services.GetRequiredService<NumberIndex>().FindAsync(numbers[1]))?.SiteKey);
        Assert.Equal(site, (await edge.Services.GetRequiredService<NumberClaims>().FindAsync(numbers[2]))?.SiteKey);

        // A second pass finds nothing left to repair.
        var again = await edge.Services.GetRequiredService<RecordReconciler>().ReconcileAsync(Ct);
        Assert.DoesNotContain(again.Keys, k => k != "unrecorded");

        Assert.Contains(edge.Logs.Lines, l => l.Contains($"Redis differed from the record (config) for site {site}"));
        var metrics = await (await admin.Http.GetAsync("/metrics", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("customerlab_record_drift", metrics);
    }

    [Fact]
    public async Task AdminChangesCommittedAfterThePassReadTheRecord_AreNotUndoneByIt()
    {
        var database = EdgeApplication.DatabaseFor(nameof(AdminChangesCommittedAfterThePassReadTheRecord_AreNotUndoneByIt));
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, database);
        using var admin = new EdgeClient(edge);
        var kept = TestSites.NewSiteKey();
        var deleted = TestSites.NewSiteKey();
        var numbers = NumbersEdgeFixture.Numbers(5);
        await admin.CreateSiteAsync(kept, numbers[..2]);
        await admin.CreateSiteAsync(deleted, numbers[4..]);
        var redis = edge.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var reconciler = edge.Services.GetRequiredService<RecordReconciler>();

        // The pass's bulk read happens here; then, while it would wait for each site's lock, admins add a pool with
        // its numbers to one site and delete the other, each change acknowledged (so recorded) before the pass goes on.
        var inRedis = (await redis.SetMembersAsync(SiteStore.SitesIndexKey)).Select(m => (string)m!).ToList();
        var stale = await edge.Services.GetRequiredService<ConfigRecord>().ReadSitesAsync(cancellationToken: Ct);
        Assert.Contains(stale, d => d.SiteKey == kept);
        Assert.Contains(stale, d => d.SiteKey == deleted);
        await admin.AddPoolAsync(kept, "paid", numbers[2..4], match: new { paidClickId = true });
        Assert.True((await admin.AdminAsync(HttpMethod.Delete, $"/admin/sites/{deleted}")).IsSuccessStatusCode);
        var configKey = SiteStore.ConfigKey(kept);
        var acknowledged = (string)(await redis.StringGetAsync(configKey))!;

        var drift = await reconciler.ReconcileAsync(inRedis, stale, Ct);

        Assert.DoesNotContain(drift.Keys, k => k != "unrecorded");
        Assert.Equal(acknowledged, (string)(await redis.StringGetAsync(configKey))!);
        var pool = edge.Services.GetRequiredService<NumberPool>();
        Assert.Equal(numbers[2..4].Order(), (await pool.SnapshotAsync(kept, "paid")).All.Order());
        Assert.Equal(kept, (await edge.Services.GetRequiredService<NumberIndex>().FindAsync(numbers[2]))?.SiteKey);
        Assert.False(await redis.KeyExistsAsync(SiteStore.ConfigKey(deleted)));
        Assert.False(await redis.SetContainsAsync(SiteStore.SitesIndexKey, deleted));
        Assert.Null(await edge.Services.GetRequiredService<NumberClaims>().FindAsync(numbers[4]));
    }
}
