namespace CustomerLab.Edge.Calls;

/// <summary>Call webhooks and attribution.</summary>
public sealed class CallOptions
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
}
