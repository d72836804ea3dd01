namespace CustomerLab.Edge.Sites;

/// <summary>
/// A client site as stored in Redis (JSON under <c>cl:{site}:config</c>). Numbers are E.164.
/// </summary>
public sealed record SiteConfig
{
    /// <summary>The public key in the site's script tag; also the site's id and hash tag.</summary>
    public required string SiteKey { get; init; }

    /// <summary>Host names whose pages may use the site key; a domain also admits its subdomains.</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>The site's own numbers that the tag replaces with the leased one.</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>Shown when no tracking number can be given (pool exhausted, Redis down, opted out).</summary>
    public required string DefaultNumber { get; init; }

    /// <summary>How long a lease lasts without activity. The default is 30 minutes.</summary>
    public int HoldMinutes { get; init; } = 30;

    /// <summary>Region (ISO 3166 alpha-2) for numbers written without a country code. The default is US.</summary>
    public string Region { get; init; } = "US";

    /// <summary>Treat <c>DNT: 1</c> like an opt-out for this site (GPC is always honoured). The default is false.</summary>
    public bool HonourDoNotTrack { get; init; }

    /// <summary>Pools in match order; the first whose rule matches the visitor's source is used.</summary>
    public IReadOnlyList<PoolConfig> Pools { get; init; } = [];

    /// <summary>
    /// The business line (E.164) that calls to the site's tracking, overflow and default numbers ring; a pool may
    /// override it. Null: calls to the site's numbers are not connected (the voice webhook rejects them).
    /// </summary>
    public string? ForwardTo { get; init; }

    /// <summary>A SIP URI (such as a PBX) the self-hosted phone server relays the site's calls to; null: the forward-to number through <c>Calls:SipTrunkGateway</c>.</summary>
    public string? ForwardSip { get; init; }

    /// <summary>How calls are connected: caller id, dial timeout, the no-answer message, the Twilio account.</summary>
    public SiteCallSettings Calls { get; init; } = new();

    /// <summary>Form capture (which forms the tag reports as leads, opted-in email and phone fields); null: none.</summary>
    public SiteLeadSettings? Leads { get; init; }

    /// <summary>
    /// SHA-256 (hex) of the site's conversion secrets for <c>POST /v1/conversions</c>, the newest first; at most two, so a
    /// rotation leaves the previous secret valid until the next one. The secrets themselves are shown once, never stored.
    /// </summary>
    public IReadOnlyList<string> ConversionSecretHashes { get; init; } = [];

    /// <summary>A copy with <paramref name="pool"/> replacing the pool of the same id in place, or appended.</summary>
    public SiteConfig WithPool(PoolConfig pool)
    {
        var pools = Pools.ToList();
        var position = pools.FindIndex(p => p.Id == pool.Id);
        if (position < 0) pools.Add(pool);
        else pools[position] = pool;
        return this with { Pools = pools };
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan Hold => TimeSpan.FromMinutes(HoldMinutes);
}

/// <summary>One pool of tracking numbers of a site.</summary>
public sealed class PoolConfig
{
    public required string Id { get; init; }

    /// <summary>Which visitors this pool serves; null = everyone not served by a pool with a rule (the default pool).</summary>
    public SourceRule? Match { get; init; }

    /// <summary>Shown instead of the site's default number when this pool is exhausted.</summary>
    public string? OverflowNumber { get; init; }

    /// <summary>The business line calls to this pool's numbers ring instead of the site's <see cref="SiteConfig.ForwardTo"/>.</summary>
    public string? ForwardTo { get; init; }

    /// <summary>The SIP URI this pool's calls are relayed to instead of the site's <see cref="SiteConfig.ForwardSip"/>.</summary>
    public string? ForwardSip { get; init; }

    /// <summary>Recording for this pool's calls instead of the site's <see cref="SiteCallSettings.Recording"/>; null: the site's.</summary>
    public SiteRecordingSettings? Recording { get; init; }
}

/// <summary>
/// A pool's source rule: it matches when any listed condition holds (an empty rule matches nothing).
/// Values compare case-insensitively.
/// </summary>
public sealed class SourceRule
{
    /// <summary>Visitors who arrived with an ad click id (gclid, gbraid, wbraid, msclkid, fbclid, ttclid, li_fat_id).</summary>
    public bool PaidClickId { get; init; }

    /// <summary>utm_medium values, e.g. <c>cpc</c>, <c>ppc</c>, <c>paid</c>.</summary>
    public IReadOnlyList<string> UtmMedium { get; init; } = [];

    /// <summary>utm_source values, e.g. <c>google</c>, <c>newsletter</c>.</summary>
    public IReadOnlyList<string> UtmSource { get; init; } = [];

    /// <summary>Referrer host names (a name also matches its subdomains), e.g. <c>bing.com</c>.</summary>
    public IReadOnlyList<string> ReferrerHosts { get; init; } = [];
}
