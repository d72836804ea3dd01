using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Identifiers;

namespace CustomerLab.Edge.Backoffice;

/// <summary>One row of the console's audit.</summary>
public sealed record ConsoleAuditEntry(DateTime At, string UserName, string UserRole, string Action, string Site, string Details);

/// <summary>
/// The console's audit (<c>console_audit</c>, migration 0050): who did what, when, on which site. Every console
/// action that changes something calls <see cref="RecordAsync"/> once the change is stored and before it answers; a
/// failure to record throws (the action answers 503, so the change is not reported done without its audit row).
/// </summary>
public sealed class ConsoleAudit(ClickHouseClient clickHouse, SchemaState schema, TimeProvider time)
{
    /// <summary>Records one change. <paramref name="details"/>: what changed (JSON or text); never a secret.</summary>
    public async Task RecordAsync(ConsoleUser user, string action, string site, string details, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await clickHouse.InsertBinaryAsync("console_audit", ["event_id", "at", "user_name", "user_role", "action", "site_id", "details"],
            [[Uuid7.Create(now), now.UtcDateTime, user.Name, user.Access.Role.Name(), action, site, details]],
            clickHouse.InsertOptions(schema.IsReady), cancellationToken: cancellationToken);
    }

    /// <summary>The newest entries first, optionally of one site, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<ConsoleAuditEntry>> ReadAsync(string? site, int limit, CancellationToken cancellationToken = default)
    {
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("site", site ?? "");
        parameters.AddParameter("limit", (uint)limit);
        var filter = string.IsNullOrEmpty(site) ? "" : "WHERE site_id = {site:String} ";
        var entries = new List<ConsoleAuditEntry>();
        using var reader = await clickHouse.ExecuteReaderAsync(
            "SELECT at, user_name, user_role, action, site_id, details FROM console_audit " + filter + "ORDER BY at DESC, event_id DESC LIMIT {limit:UInt32}",
            parameters, cancellationToken: cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new ConsoleAuditEntry(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        return entries;
    }
}
