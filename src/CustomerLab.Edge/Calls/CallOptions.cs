using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls;

/// <summary>Call webhooks and attribution.</summary>
public sealed class CallOptions : IValidatableObject
{
    public const string Section = "Calls";

    /// <summary>Twilio auth token: verifies <c>X-Twilio-Signature</c> on <c>POST /v1/calls/twilio</c>. Empty disables that endpoint (401).</summary>
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

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var o = this;
        if (!(o.GraceMinutes is >= 0 and <= 1440)) yield return new ValidationResult("Calls:GraceMinutes must be between 0 and 1440.");
        if (!(o.PublisherParameter.Length is > 0 and <= 64)) yield return new ValidationResult("Calls:PublisherParameter must be 1 to 64 characters.");
        if (!(o.PublicBaseUrl.Length == 0 || Uri.IsWellFormedUriString(o.PublicBaseUrl, UriKind.Absolute))) yield return new ValidationResult("Calls:PublicBaseUrl must be an absolute URL.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="CallOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class CallOptionsValidator : IValidateOptions<CallOptions>;
