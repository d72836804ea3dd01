namespace CustomerLab.Edge.Record;

/// <summary>
/// A site as the record keeps it: its JSON exactly as Redis holds it (so settings any feature adds to the site travel
/// with it) and each pool's tracking numbers. <paramref name="Version"/> orders the documents of one site.
/// </summary>
public sealed record SiteDocument(string SiteKey, ulong Version, string Document, IReadOnlyDictionary<string, IReadOnlyList<string>> Numbers);

/// <summary>A report user as the record keeps it: the password hash and the sites they may read (null: no list).</summary>
public sealed record AccountRecord(string Name, string PasswordHash, string? Sites, string? Role = null);

/// <summary>A pending deletion follow-up as the record keeps it: the queue member and when it is due.</summary>
public sealed record FollowUpRecord(string Member, long DueMs);

/// <summary>The record (ClickHouse) did not answer, so nothing was acknowledged.</summary>
public sealed class RecordUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
