using System.ComponentModel.DataAnnotations;

namespace CustomerLab.Edge.Record;

/// <summary>The durable record of configuration in ClickHouse (section <c>Record</c>).</summary>
public sealed partial class RecordOptions
{
    public const string Section = "Record";

    /// <summary>
    /// The ClickHouse database that holds what analysts must not read: each site's whole document (with its provider
    /// tokens), report users' password hashes, the subjects of pending deletion follow-ups. The default (empty) is
    /// <c>{ClickHouse:Database}_secrets</c>. On a ClickHouse server, grant analysts <c>SELECT</c> on the main database only.
    /// </summary>
    public string? SecretsDatabase { get; set; }

    /// <summary>Seconds between an edge's checks that Redis still holds what the record holds (a cheap marker read). The default is 5.</summary>
    [Range(1, 3600)]
    public int CheckIntervalSeconds { get; set; } = 5;

    /// <summary>Seconds between full comparisons of Redis with the record (reconcile: report and repair drift). The default is 300.</summary>
    [Range(5, 86400)]
    public int ReconcileIntervalSeconds { get; set; } = 300;

    /// <summary>
    /// Whether reconcile records sites Redis holds and the record lacks, as Redis holds them. Turn it on once when
    /// upgrading an installation whose sites predate the record. Off by default, because several databases may share one
    /// Redis (a staging edge, tests), and a site of another database must not be adopted; unrecorded sites are reported.
    /// </summary>
    public bool AdoptUnrecordedSites { get; set; }

    /// <summary>
    /// Longest wait of a request for a restore another edge is running (it then answers as it would without the site):
    /// 5000 ms by default.
    /// </summary>
    [Range(100, 60000)]
    public int RestoreWaitMs { get; set; } = 5000;
}
