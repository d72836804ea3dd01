namespace CustomerLab.Edge.Sites;

/// <summary>A site's call settings, stored with the site (<see cref="SiteConfig.Calls"/>).</summary>
public sealed record SiteCallSettings
{
    /// <summary>The business sees the caller's own number. The default.</summary>
    public const string CallerIdCaller = "caller";

    /// <summary>The business sees the tracking number that was called (so it knows the call came through tracking).</summary>
    public const string CallerIdTrackingNumber = "tracking-number";

    /// <summary>What the business's phone shows: <see cref="CallerIdCaller"/> (the default) or <see cref="CallerIdTrackingNumber"/>.</summary>
    public string CallerId { get; init; } = CallerIdCaller;

    /// <summary>How long the business line rings before the call counts as not answered, in seconds (5 to 600). The default is 30.</summary>
    public int DialTimeoutSeconds { get; init; } = 30;

    /// <summary>Said to the caller when the business does not answer (busy, no answer, failed), before hanging up.</summary>
    public string NoAnswerMessage { get; init; } = DefaultNoAnswerMessage;

    /// <summary>The site's own Twilio account (a subaccount or the client's account), <c>AC…</c>; null: the deployment's.</summary>
    public string? TwilioAccountSid { get; init; }

    /// <summary>That account's auth token, which signs its webhooks; null: <c>Calls:TwilioAuthToken</c>. Never shown by the admin API.</summary>
    public string? TwilioAuthToken { get; init; }

    /// <summary>Call recording and its notice (off by default); a pool may have its own (<see cref="PoolConfig.Recording"/>).</summary>
    public SiteRecordingSettings Recording { get; init; } = SiteRecordingSettings.Off;

    /// <summary>Texts to the site's numbers: forwarding, whether bodies are kept, the HELP answer.</summary>
    public SiteTextSettings Texts { get; init; } = new();

    /// <summary>Qualified-call rules and publisher payouts; null (the default): calls are not judged, nothing is paid.</summary>
    public SitePayoutRules? Payouts { get; init; }

    /// <summary>
    /// The console hides callers' numbers from the site's analysts (shown as <c>+1 202 ••• ••34</c>: country and last
    /// two digits; no caller search, no recordings, none in the CSV); admins still see them. The default is false.
    /// </summary>
    public bool MaskCallersForAnalysts { get; init; }

    public const string DefaultNoAnswerMessage = "Sorry, nobody could take your call. Please try again later.";

    /// <summary>What the admin API shows a token as.</summary>
    public const string RedactedToken = "(set)";

    /// <summary>A copy safe to show: the auth token replaced by <see cref="RedactedToken"/>.</summary>
    public SiteCallSettings Redacted() => TwilioAuthToken is null ? this : this with { TwilioAuthToken = RedactedToken };
}
