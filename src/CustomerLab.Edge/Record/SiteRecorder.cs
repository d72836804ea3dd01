using System.Text.Json;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Sites;
using StackExchange.Redis;

namespace CustomerLab.Edge.Record;

/// <summary>
/// Writes a site's whole document to the record after an admin change, under the site's admin lock:
/// <see cref="BeginAsync"/> before Redis changes (the record answers, and the version is taken), <see cref="CommitAsync"/>
/// after (the site as Redis now holds it: its JSON and every pool's numbers). The admin API acknowledges only after the
/// commit; a change whose commit fails answers 503, and reconcile puts Redis back to the record.
/// </summary>
public sealed class SiteRecorder(ConfigRecord record, IConnectionMultiplexer redis, NumberPool pool)
{
    /// <summary>The version the change will be recorded under; throws <see cref="RecordUnavailableException"/> when the record is down.</summary>
    public Task<ulong> BeginAsync(string siteKey) => record.NextSiteVersionAsync(siteKey);

    /// <summary>Records the site as Redis holds it now (a tombstone when it is gone).</summary>
    public async Task CommitAsync(string siteKey, ulong version)
    {
        var (document, redacted) = await ReadAsync(siteKey, version);
        if (document is null)
        {
            await record.WriteSiteAsync(new SiteDocument(siteKey, version, "", new Dictionary<string, IReadOnlyList<string>>()), "", deleted: true);
            return;
        }
        await record.WriteSiteAsync(document, redacted!, deleted: false);
    }

    /// <summary>The site's document as Redis holds it now (null when Redis has no such site) and its settings without secrets.</summary>
    public async Task<(SiteDocument? Document, string? Redacted)> ReadAsync(string siteKey, ulong version)
    {
        var json = await redis.GetDatabase().StringGetAsync(SiteStore.ConfigKey(siteKey));
        if (json.IsNull) return (null, null);
        var text = (string)json!;
        var site = JsonSerializer.Deserialize(text, SiteJson.Default.SiteConfig)!;
        var numbers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var p in site.Pools) numbers[p.Id] = await ActiveNumbersAsync(siteKey, p.Id);
        // Analysts read config_sites: no provider token, no conversion secret's hash (a hash of a random secret is
        // not guessable, but it is still a credential's fingerprint and has no use in analysis).
        var redacted = JsonSerializer.Serialize(site with { Calls = site.Calls.Redacted(), ConversionSecretHashes = [] }, SiteJson.Default.SiteConfig);
        return (new SiteDocument(siteKey, version, text, numbers), redacted);
    }

    /// <summary>A pool's numbers that are not retired, sorted.</summary>
    public async Task<IReadOnlyList<string>> ActiveNumbersAsync(string siteKey, string poolId)
    {
        var snapshot = await pool.SnapshotAsync(siteKey, poolId);
        return snapshot.All.Where(n => !snapshot.Retired.Contains(n)).Order(StringComparer.Ordinal).ToList();
    }
}
