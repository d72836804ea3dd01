using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls;

/// <summary>Call webhooks and attribution.</summary>
public sealed class CallOptions : IValidatableObject
{
    public const string Section = "Calls";

    /// <summary>
    /// The deployment's Twilio auth token: verifies <c>X-Twilio-Signature</c> on every <c>/v1/calls/twilio…</c> webhook
    /// for numbers of sites without their own account (<see cref="Sites.SiteCallSettings.TwilioAuthToken"/>). Empty: only
    /// sites with their own token are accepted (401 otherwise).
    /// </summary>
    public string TwilioAuthToken { get; set; } = "";

    /// <summary>
    /// The public URL prefix Twilio calls (e.g. <c>https://t.example.com</c>), when the edge sits behind a proxy that
    /// changes scheme or host; the signature covers the full URL. Empty: the request's own URL.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Secret for the generic webhook's <c>X-Signature-256: sha256=HEX</c> (HMAC-SHA256 of the raw body). Empty disables it (401).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>How long after a lease ended a call to its number is still credited to that session. The default is 10 minutes.</summary>
    public int GraceMinutes { get; set; } = 10;

    /// <summary>Query parameter naming the publisher/affiliate that referred the visitor. The default is <c>pub</c>.</summary>
    public string PublisherParameter { get; set; } = "pub";

    /// <summary>Largest accepted webhook body, in bytes. The default is 16 KiB.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// How often the in-memory call routing table is read again from Redis, in seconds (1 to 3,600). The default is 10.
    /// Admin changes made through an edge reach that edge's table at once, other edges' within this interval.
    /// </summary>
    public int RoutesRefreshSeconds { get; set; } = 10;

    /// <summary>
    /// The local file the routing table is copied to after each change, and read at start-up (an edge starting while
    /// Redis is down routes calls from it). The default (empty) is <c>{Delivery:SpoolPath}/{ClickHouse:Database}.call-routes.json</c>.
    /// It holds sites' Twilio auth tokens: keep it as private as the configuration.
    /// </summary>
    public string RoutesSnapshotPath { get; set; } = "";

    /// <summary>
    /// The secret the self-hosted phone server (Kamailio) sends in <c>X-Phone-Secret</c> on <c>POST /v1/calls/route</c> and
    /// <c>POST /v1/calls/sip/events</c>. Empty (the default) refuses both with 401.
    /// </summary>
    public string PhoneServerSecret { get; set; } = "";

    /// <summary>
    /// <c>host[:port]</c> of the SIP trunk or SBC the phone server reaches the public network through: a call to a number
    /// without a <c>forwardSip</c> goes to <c>sip:{forwardTo}@{SipTrunkGateway}</c>. Empty (the default): only sites and
    /// pools with a <c>forwardSip</c> are routed by the phone server.
    /// </summary>
    public string SipTrunkGateway { get; set; } = "";

    /// <summary>
    /// Where the edge reaches Twilio's REST API (recordings' audio, their deletion). The default is
    /// <c>https://api.twilio.com</c>; tests point it at a local stand-in.
    /// </summary>
    public string TwilioApiBaseUrl { get; set; } = TwilioApiDefaultBaseUrl;

    public const string TwilioApiDefaultBaseUrl = "https://api.twilio.com";

    /// <summary>How often each edge looks for recordings due to be deleted at Twilio, in seconds (1 to 300). The default is 5.</summary>
    public int RecordingDeletionPollSeconds { get; set; } = 5;

    /// <summary>How long a Twilio request (audio, deletion) may take, in seconds (1 to 120). The default is 15.</summary>
    public int TwilioApiTimeoutSeconds { get; set; } = 15;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var o = this;
        if (!(o.GraceMinutes is >= 0 and <= 1440)) yield return new ValidationResult("Calls:GraceMinutes must be between 0 and 1440.");
        if (!(o.PublisherParameter.Length is > 0 and <= 64)) yield return new ValidationResult("Calls:PublisherParameter must be 1 to 64 characters.");
        if (!(o.RoutesRefreshSeconds is >= 1 and <= 3600)) yield return new ValidationResult("Calls:RoutesRefreshSeconds must be between 1 and 3600.");
        if (!(o.SipTrunkGateway.Length == 0 || System.Text.RegularExpressions.Regex.IsMatch(o.SipTrunkGateway, @"^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:[0-9]{1,5})?\z")))
            yield return new ValidationResult("Calls:SipTrunkGateway must be host[:port].");
        if (!Uri.TryCreate(o.TwilioApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
            yield return new ValidationResult("Calls:TwilioApiBaseUrl must be an absolute http(s) URL.");
        if (!(o.RecordingDeletionPollSeconds is >= 1 and <= 300)) yield return new ValidationResult("Calls:RecordingDeletionPollSeconds must be between 1 and 300.");
        if (!(o.TwilioApiTimeoutSeconds is >= 1 and <= 120)) yield return new ValidationResult("Calls:TwilioApiTimeoutSeconds must be between 1 and 120.");
        if (!(o.PublicBaseUrl.Length == 0 || Uri.IsWellFormedUriString(o.PublicBaseUrl, UriKind.Absolute))) yield return new ValidationResult("Calls:PublicBaseUrl must be an absolute URL.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="CallOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class CallOptionsValidator : IValidateOptions<CallOptions>;
