using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Delivery;

/// <summary>When the spool forces its writes to the disk before a spooled write completes (for pageviews: before <c>POST /v1/collect</c> answers 202).</summary>
public enum SpoolFsync
{
    /// <summary>
    /// Every group commit is written and fsync'ed before any request in it is answered: the events survive a killed
    /// process and a power loss. The default.
    /// </summary>
    Always,

    /// <summary>
    /// Written to the operating system (survives a killed edge process), fsync'ed at most every
    /// <see cref="DeliveryOptions.FsyncIntervalMs"/>: a power loss can lose that window.
    /// </summary>
    Interval,
}

/// <summary>
/// Durable delivery to ClickHouse (section <c>Delivery</c>): the local spools and their shippers. Until this section
/// existed these keys lived under <c>Events</c>; <see cref="LegacyDeliveryKeys"/> still reads them there, with a warning.
/// </summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string Section = "Delivery";

    /// <summary>
    /// The spools' parent directory: the pageviews' segments live in <c>{SpoolPath}/{ClickHouse:Database}</c>, another
    /// table's in <c>{SpoolPath}/{ClickHouse:Database}.{table}</c>, each locked by one edge at a time. The default is <c>./data/spool</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Delivery:SpoolPath is required.")]
    public string SpoolPath { get; set; } = "./data/spool";

    /// <summary>A segment is closed and a new one started past this size, in bytes. The default is 16 MiB.</summary>
    [Range(1, long.MaxValue)]
    public long SegmentBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest size of the spool on disk, in bytes; beyond it collect answers 503 (per spool). The default is 1 GiB.</summary>
    [Range(1, long.MaxValue)]
    public long SpoolQuotaBytes { get; set; } = 1L << 30;

    /// <summary>Fraction of the quota at which a warning is logged (once per crossing). The default is 0.8.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double SpoolWarnFraction { get; set; } = 0.8;

    /// <summary>When writes are fsync'ed; see <see cref="SpoolFsync"/>. The default is <see cref="SpoolFsync.Always"/>.</summary>
    public SpoolFsync Fsync { get; set; } = SpoolFsync.Always;

    /// <summary>With <see cref="SpoolFsync.Interval"/>: the longest time between two fsyncs, in milliseconds. The default is 1,000.</summary>
    [Range(1, int.MaxValue)]
    public int FsyncIntervalMs { get; set; } = 1000;

    /// <summary>Most rows in one ClickHouse insert. The default is 10,000.</summary>
    [Range(1, int.MaxValue)]
    public int BatchMaxRows { get; set; } = 10_000;

    /// <summary>Most spool bytes in one ClickHouse insert. The default is 8 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int BatchMaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Longest time an event waits for its batch to fill, in milliseconds. The default is 1,000.</summary>
    [Range(1, int.MaxValue)]
    public int FlushIntervalMs { get; set; } = 1000;

    /// <summary>Longest wait between two attempts while ClickHouse fails, in milliseconds. The default is 5,000.</summary>
    [Range(1, int.MaxValue)]
    public int MaxRetryDelayMs { get; set; } = 5000;

    /// <summary>Where batches that ClickHouse rejects as malformed are written. The default (empty) is <c>dead-letter</c> in the spool's directory.</summary>
    public string DeadLetterPath { get; set; } = "";

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (SegmentBytes > SpoolQuotaBytes)
            yield return new ValidationResult($"Delivery:SegmentBytes ({SegmentBytes}) must not exceed Delivery:SpoolQuotaBytes ({SpoolQuotaBytes}).");
    }
}

/// <summary>Source-generated validator of <see cref="DeliveryOptions"/>: a bad value stops start-up with one line.</summary>
[OptionsValidator]
internal sealed partial class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>;
