using System.Text.Json;
using System.Text.Json.Serialization;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.ClickHouse;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Record;

/// <summary>
/// The durable record of configuration: sites (with their pools and numbers), report users and pending deletion
/// follow-ups, as versioned rows in ClickHouse (<see cref="RecordSchema"/>). Redis is rebuilt from it. Every failure to
/// reach ClickHouse surfaces as <see cref="RecordUnavailableException"/>, which the admin API answers with 503.
/// </summary>
public sealed class ConfigRecord(ClickHouseClient client, IOptions<ClickHouseOptions> clickHouse, IOptions<RecordOptions> options, TimeProvider time)
{
    private readonly string _database = clickHouse.Value.Database;

    /// <summary>The database analysts must not read (see <see cref="RecordOptions.SecretsDatabase"/>).</summary>
    public string SecretsDatabase { get; } = string.IsNullOrEmpty(options.Value.SecretsDatabase)
        ? clickHouse.Value.Database + "_secrets" : options.Value.SecretsDatabase!;

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the record's databases and tables if missing (once per process once it succeeded).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady) return;
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady) return;
            await GuardAsync(async () =>
            {
                foreach (var statement in RecordSchema.Statements)
                    await client.ExecuteNonQueryAsync(statement.Replace("{secrets}", SecretsDatabase).Replace("{db}", _database),
                        options: new QueryOptions { Database = "default" }, cancellationToken: cancellationToken);
                return 0;
            });
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>
    /// The version for the next document of a site: above every version recorded for it, and at least the time in
    /// microseconds (so versions also order across a lost Redis). Callers hold the site's admin lock.
    /// </summary>
    public async Task<ulong> NextSiteVersionAsync(string siteKey, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", siteKey);
        var max = await GuardAsync(() => client.ExecuteScalarAsync(
            $"SELECT max(version) FROM {SecretsDatabase}.site_documents WHERE site_key = {{site:String}}", parameters, cancellationToken: cancellationToken));
        return Math.Max(Convert.ToUInt64(max) + 1, NowMicros());
    }

    /// <summary>Writes a site's document (secrets database) and its copy without secrets (main database); returns once both are stored.</summary>
    public async Task WriteSiteAsync(SiteDocument document, string redactedSettings, bool deleted, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        var numbers = JsonSerializer.Serialize(document.Numbers.ToDictionary(p => p.Key, p => p.Value.ToList()), RecordJson.Default.DictionaryStringListString);
        var now = time.GetUtcNow().UtcDateTime;
        await InsertRowAsync(SecretsDatabase, "site_documents", ["site_key", "version", "deleted", "document", "numbers", "recorded_at"],
            [document.SiteKey, document.Version, (byte)(deleted ? 1 : 0), deleted ? "" : document.Document, numbers, now], cancellationToken);
        await InsertRowAsync(_database, "config_sites", ["site_key", "version", "deleted", "settings", "numbers", "recorded_at"],
            [document.SiteKey, document.Version, (byte)(deleted ? 1 : 0), deleted ? "" : redactedSettings, numbers, now], cancellationToken);
    }

    /// <summary>Every site the record holds (its newest document, deleted sites left out), or one site when <paramref name="siteKey"/> is given.</summary>
    public async Task<IReadOnlyList<SiteDocument>> ReadSitesAsync(string? siteKey = null, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", siteKey ?? "");
        var filter = siteKey is null ? "" : " AND site_key = {site:String}";
        return await GuardAsync(async () =>
        {
            var sites = new List<SiteDocument>();
            using var reader = await client.ExecuteReaderAsync(
                $"SELECT site_key, version, document, numbers FROM {SecretsDatabase}.site_documents FINAL WHERE deleted = 0{filter} ORDER BY site_key",
                parameters, cancellationToken: cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var numbers = JsonSerializer.Deserialize(reader.GetString(3), RecordJson.Default.DictionaryStringListString) ?? [];
                sites.Add(new SiteDocument(reader.GetString(0), Convert.ToUInt64(reader.GetValue(1)), reader.GetString(2),
                    numbers.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal)));
            }
            return sites;
        });
    }

    /// <summary>Records a report user's password hash, readable sites and console role, or (null hash) that the user was removed.</summary>
    public async Task WriteAccountAsync(string name, string? passwordHash, string? sites, string? role = null, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await InsertRowAsync(SecretsDatabase, "accounts", ["name", "version", "deleted", "password_hash", "sites", "role", "recorded_at"],
            [name, await NextVersionAsync("accounts", "name", name, cancellationToken), (byte)(passwordHash is null ? 1 : 0), passwordHash ?? "", sites ?? "",
             role ?? "", time.GetUtcNow().UtcDateTime], cancellationToken);
    }

    /// <summary>Every report user the record holds.</summary>
    public async Task<IReadOnlyList<AccountRecord>> ReadAccountsAsync(CancellationToken cancellationToken = default) =>
        await ReadPairsAsync($"SELECT name, password_hash, sites, role FROM {SecretsDatabase}.accounts FINAL WHERE deleted = 0 ORDER BY name",
            r => new AccountRecord(r.GetString(0), r.GetString(1), r.GetString(2) is { Length: > 0 } sites ? sites : null,
                r.GetString(3) is { Length: > 0 } role ? role : null), cancellationToken);

    /// <summary>Records a pending deletion follow-up due at <paramref name="dueMs"/>.</summary>
    public async Task WriteFollowUpAsync(string member, long dueMs, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await InsertRowAsync(SecretsDatabase, "privacy_followups", ["member", "version", "done", "due_ms", "recorded_at"],
            [member, await NextVersionAsync("privacy_followups", "member", member, cancellationToken), (byte)0, dueMs, time.GetUtcNow().UtcDateTime],
            cancellationToken);
    }

    /// <summary>
    /// The follow-up ran: every row naming the subject is deleted, not tombstoned, since the subject's id may be held
    /// only until its follow-up has run (the privacy policy's promise).
    /// </summary>
    public async Task ForgetFollowUpAsync(string member, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("k", member);
        await GuardAsync(() => client.ExecuteNonQueryAsync($"DELETE FROM {SecretsDatabase}.privacy_followups WHERE member = {{k:String}}", parameters,
            cancellationToken: cancellationToken));
    }

    /// <summary>Every pending deletion follow-up the record holds.</summary>
    public async Task<IReadOnlyList<FollowUpRecord>> ReadFollowUpsAsync(CancellationToken cancellationToken = default) =>
        await ReadPairsAsync($"SELECT member, due_ms FROM {SecretsDatabase}.privacy_followups FINAL WHERE done = 0 ORDER BY member",
            r => new FollowUpRecord(r.GetString(0), Convert.ToInt64(r.GetValue(1))), cancellationToken);

    private async Task<ulong> NextVersionAsync(string table, string keyColumn, string key, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("key", key);
        var max = await GuardAsync(() => client.ExecuteScalarAsync(
            $"SELECT max(version) FROM {SecretsDatabase}.{table} WHERE {keyColumn} = {{key:String}}", parameters, cancellationToken: cancellationToken));
        return Math.Max(Convert.ToUInt64(max) + 1, NowMicros());
    }

    private async Task<IReadOnlyList<T>> ReadPairsAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await GuardAsync(async () =>
        {
            var rows = new List<T>();
            using var reader = await client.ExecuteReaderAsync(sql, cancellationToken: cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) rows.Add(map(reader));
            return rows;
        });
    }

    /// <summary>One row in the request body (RowBinary), never in the URL: a site's document with hundreds of numbers is kilobytes.</summary>
    /// The record's tables were ensured before any row is written, so their column types are read once.
    private Task InsertRowAsync(string database, string table, string[] columns, object[] row, CancellationToken cancellationToken) =>
        GuardAsync(() => client.InsertBinaryAsync(table, columns, [row], client.InsertOptions(schemaSettled: true, database), cancellationToken: cancellationToken));

    private ulong NowMicros() => (ulong)Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds()) * 1000;

    /// <summary>Runs a ClickHouse call; any failure to get an answer becomes <see cref="RecordUnavailableException"/>.</summary>
    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || ex is TaskCanceledException { InnerException: TimeoutException })
        {
            throw new RecordUnavailableException($"The configuration record (ClickHouse) did not answer: {ex.Message}", ex);
        }
    }
}

[JsonSerializable(typeof(Dictionary<string, List<string>>))]
internal sealed partial class RecordJson : JsonSerializerContext;
