namespace CustomerLab.Edge.Record;

/// <summary>
/// The record's tables, created on first use (<c>IF NOT EXISTS</c>, so edges starting together converge). Each is a
/// <c>ReplacingMergeTree</c> by <c>version</c>, read with <c>FINAL</c>: the newest row of a key is its state, and a
/// <c>deleted</c> row is a tombstone. Two databases: the main one (analysts read it) gets a copy of each site without
/// secrets; the secrets database gets everything a rebuild needs.
/// </summary>
internal static class RecordSchema
{
    /// <summary>The statements, with <c>{db}</c> and <c>{secrets}</c> to replace by the databases' names.</summary>
    public static readonly string[] Statements =
    [
        "CREATE DATABASE IF NOT EXISTS {db}",
        "CREATE DATABASE IF NOT EXISTS {secrets}",
        """
        CREATE TABLE IF NOT EXISTS {secrets}.site_documents
        (
            site_key    String,
            version     UInt64,
            deleted     UInt8,
            document    String COMMENT 'the site JSON exactly as Redis holds it, provider tokens included',
            numbers     String COMMENT 'JSON: pool id -> its tracking numbers (retired ones excluded)',
            recorded_at DateTime64(3, 'UTC')
        )
        ENGINE = ReplacingMergeTree(version)
        ORDER BY site_key
        """,
        """
        CREATE TABLE IF NOT EXISTS {secrets}.accounts
        (
            name          String,
            version       UInt64,
            deleted       UInt8,
            password_hash String COMMENT 'ASP.NET Core Identity PBKDF2 hash; never the password',
            sites         String COMMENT 'the site keys the user may read, comma-separated, or *; empty: no list',
            recorded_at   DateTime64(3, 'UTC')
        )
        ENGINE = ReplacingMergeTree(version)
        ORDER BY name
        """,
        // Console roles came later: a record made before them gains the column, empty (an analyst) for its users.
        "ALTER TABLE {secrets}.accounts ADD COLUMN IF NOT EXISTS role String DEFAULT '' COMMENT 'admin or analyst; empty: analyst' AFTER sites",
        """
        CREATE TABLE IF NOT EXISTS {secrets}.privacy_followups
        (
            member      String COMMENT 'visitor:ID or phone:+E164 of a deletion whose follow-up pass is pending (its rows are deleted once it ran)',
            version     UInt64,
            done        UInt8,
            due_ms      Int64,
            recorded_at DateTime64(3, 'UTC')
        )
        ENGINE = ReplacingMergeTree(version)
        ORDER BY member
        """,
        """
        CREATE TABLE IF NOT EXISTS {db}.config_sites
        (
            site_key    String,
            version     UInt64,
            deleted     UInt8,
            settings    String COMMENT 'the site JSON without secrets (a Twilio auth token is redacted)',
            numbers     String COMMENT 'JSON: pool id -> its tracking numbers',
            recorded_at DateTime64(3, 'UTC')
        )
        ENGINE = ReplacingMergeTree(version)
        ORDER BY site_key
        """,
    ];
}
