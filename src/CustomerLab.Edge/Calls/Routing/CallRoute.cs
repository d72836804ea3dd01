using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Calls.Routing;

/// <summary>
/// Where a call to one number goes: everything the phone side needs to connect it, with no store to ask.
/// </summary>
/// <param name="Number">The number called, E.164.</param>
/// <param name="Kind"><see cref="Tracking"/>, <see cref="Overflow"/> or <see cref="Default"/>.</param>
/// <param name="PoolId">The pool of a tracking or overflow number; empty for a site's default number.</param>
/// <param name="ForwardTo">The business line (the pool's, else the site's); null when the site has none.</param>
/// <param name="Settings">The site's call settings (caller id, dial timeout, no-answer message, Twilio account).</param>
public sealed record CallRoute(string Number, string Kind, string SiteKey, string PoolId, string? ForwardTo, SiteCallSettings Settings)
{
    public const string Tracking = "tracking", Overflow = "overflow", Default = "default";

    /// <summary>The SIP URI (a PBX) the self-hosted phone server relays the call to: the pool's, else the site's; null: the forward-to number through the trunk.</summary>
    public string? ForwardSip { get; init; }

    /// <summary>Recording and its notice: the pool's own settings, else the site's.</summary>
    public SiteRecordingSettings? Recording { get; init; }

    /// <summary>The recording settings that apply (off when none are set).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SiteRecordingSettings RecordingOrOff => Recording ?? Settings.Recording;

    /// <summary>The caller id the business sees: the caller's (pass-through) or the tracking number.</summary>
    public string CallerIdFor(string caller) =>
        Settings.CallerId == SiteCallSettings.CallerIdTrackingNumber || caller.Length == 0 ? Number : caller;
}
