namespace CustomerLab.Edge.Privacy;

/// <summary>Access and deletion requests (<c>/admin/privacy/*</c> and the <c>privacy</c> CLI command).</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// Secret for the keyed hash (HMAC-SHA256) of each request's subject in <c>privacy_audit</c>, at least 32
    /// characters. Empty (the default): a key derived from the first cookie signing key, which changes when that key
    /// rotates (older audit rows can then no longer be matched to a subject), so production should set its own.
    /// </summary>
    public string? AuditKey { get; set; }

    /// <summary>Region for phone numbers written without a country code. The default is empty: E.164 (+…) only.</summary>
    public string DefaultRegion { get; set; } = "";

    /// <summary>Most rows of one table an export returns; more are counted but not listed. The default is 100,000.</summary>
    public int MaxExportRows { get; set; } = 100_000;
}
