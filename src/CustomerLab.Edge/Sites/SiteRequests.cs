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

    /// <summary>Call recording with its notice; omitted: off.</summary>
    public RecordingRequest? Recording { get; set; }

    /// <summary>Texts to the site's numbers; omitted: forwarded, bodies not kept.</summary>
    public TextsRequest? Texts { get; set; }

    /// <summary>Qualified-call rules and publisher payouts; omitted: calls are not judged.</summary>
    public PayoutRulesRequest? Payouts { get; set; }

    /// <summary>Hide callers' numbers (and recordings) from the site's analysts in the console. The default is false.</summary>
    public bool? MaskCallersForAnalysts { get; set; }
}

/// <summary>The <c>recording</c> object of a site's <c>calls</c> or of a pool.</summary>
public sealed class RecordingRequest
{
    /// <summary>Record calls. The default is false.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The notice both parties hear first, 1 to 500 characters.</summary>
    public string? Notice { get; set; }

    /// <summary>One of Twilio's <c>&lt;Say&gt;</c> languages, such as <c>en-US</c>. The default is en-US.</summary>
    public string? Language { get; set; }

    /// <summary>The whisper also tells the business the call's source. The default is false.</summary>
    public bool? AnnounceSource { get; set; }
}

/// <summary>The <c>texts</c> object of a site's <c>calls</c>.</summary>
public sealed class TextsRequest
{
    /// <summary>Forward texts to the forward-to number. The default is true.</summary>
    public bool? Forward { get; set; }

    /// <summary>Keep texts' bodies. The default is false.</summary>
    public bool? StoreBody { get; set; }

    /// <summary>The answer to HELP, 1 to 320 characters.</summary>
    public string? HelpMessage { get; set; }
}

/// <summary>The <c>payouts</c> object of a site's <c>calls</c>.</summary>
public sealed class PayoutRulesRequest
{
    /// <summary>Least talk time in seconds, 0 to 86,400. The default is 90.</summary>
    public int? MinTalkSeconds { get; set; }

    /// <summary>The business must have answered. The default is true.</summary>
    public bool? RequireAnswered { get; set; }

    /// <summary>No call from the caller to the site in this many days before, 0 to 3,650 (0: no such rule). The default is 30.</summary>
    public int? NewCallerDays { get; set; }

    /// <summary>Amount for publishers not listed, 0 or more. The default is 0.</summary>
    public decimal? DefaultAmount { get; set; }

    /// <summary>Amount per publisher id.</summary>
    public Dictionary<string, decimal>? Publishers { get; set; }

    /// <summary>ISO 4217 currency code. The default is USD.</summary>
    public string? Currency { get; set; }

    /// <summary>Caller numbers of test calls (never paid).</summary>
    public List<string>? TestCallers { get; set; }
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

    /// <summary>Recording for this pool's calls instead of the site's; omitted: the site's.</summary>
    public RecordingRequest? Recording { get; set; }
}

/// <summary>Body of <c>POST /admin/sites/{siteKey}/pools/{poolId}/numbers</c>.</summary>
public sealed class NumbersRequest
{
    /// <summary>Tracking numbers to add. At least one.</summary>
    public List<string>? Numbers { get; set; }
}
