namespace CustomerLab.Edge.Sites;

/// <summary>Body of <c>PUT /admin/sites/{siteKey}</c>.</summary>
public sealed class SiteRequest
{
    /// <summary>Host names whose pages may use the site key (a domain admits its subdomains). At least one.</summary>
    public List<string>? Domains { get; set; }

    /// <summary>The site's own numbers that the tag replaces (any common format; parsed with <see cref="Region"/>).</summary>
    public List<string>? Targets { get; set; }

    /// <summary>Shown when no tracking number can be given. Required.</summary>
    public string? DefaultNumber { get; set; }

    /// <summary>Lease hold time without activity, 1 to 1,440 minutes. The default is 30.</summary>
    public int? HoldMinutes { get; set; }

    /// <summary>Region for numbers written without a country code. The default is US.</summary>
    public string? Region { get; set; }

    /// <summary>Treat <c>DNT: 1</c> as an opt-out on this site. The default is false (GPC is always honoured).</summary>
    public bool? HonourDoNotTrack { get; set; }

    /// <summary>The business line calls ring (any common format); never one of any site's tracking or overflow numbers.</summary>
    public string? ForwardTo { get; set; }

    /// <summary>A SIP URI (a PBX, such as <c>sip:sales@pbx.example.com</c>) the self-hosted phone server relays this site's calls to, instead of the forward-to number through the trunk.</summary>
    public string? ForwardSip { get; set; }

    /// <summary>Call settings; omitted fields take their defaults (an omitted auth token keeps the stored one).</summary>
    public SiteCallsRequest? Calls { get; set; }

    /// <summary>Form capture; omitted: none.</summary>
    public SiteLeadsRequest? Leads { get; set; }
}

/// <summary>The <c>calls</c> object of <see cref="SiteRequest"/>.</summary>
public sealed class SiteCallsRequest
{
    /// <summary><c>caller</c> (the default: the business sees the caller) or <c>tracking-number</c>.</summary>
    public string? CallerId { get; set; }

    /// <summary>Seconds the business line rings, 5 to 600. The default is 30.</summary>
    public int? DialTimeoutSeconds { get; set; }

    /// <summary>Said to the caller when the business does not answer, at most 500 characters.</summary>
    public string? NoAnswerMessage { get; set; }

    /// <summary>The site's own Twilio account SID (<c>AC</c> + 32 hex digits), with <see cref="TwilioAuthToken"/>.</summary>
    public string? TwilioAccountSid { get; set; }

    /// <summary>That account's auth token; omitted keeps the stored one for the same account.</summary>
    public string? TwilioAuthToken { get; set; }
}

/// <summary>Body of <c>PUT /admin/sites/{siteKey}/pools/{poolId}</c>.</summary>
public sealed class PoolRequest
{
    /// <summary>Which visitors the pool serves; omit for the default pool.</summary>
    public SourceRule? Match { get; set; }

    /// <summary>Shown when this pool is exhausted; the site's default number otherwise.</summary>
    public string? OverflowNumber { get; set; }

    /// <summary>Tracking numbers to add now (more can be added later).</summary>
    public List<string>? Numbers { get; set; }

    /// <summary>The business line this pool's calls ring instead of the site's forward-to number.</summary>
    public string? ForwardTo { get; set; }

    /// <summary>A SIP URI the self-hosted phone server relays this pool's calls to, instead of the site's.</summary>
    public string? ForwardSip { get; set; }
}

/// <summary>Body of <c>POST /admin/sites/{siteKey}/pools/{poolId}/numbers</c>.</summary>
public sealed class NumbersRequest
{
    /// <summary>Tracking numbers to add. At least one.</summary>
    public List<string>? Numbers { get; set; }
}
