namespace CustomerLab.Edge.Cookies;

/// <summary>The first-party cookies the edge sets: a visitor id, a session id, and the opt-out marker.</summary>
public sealed class CookieSettings
{
    public const string Section = "Cookies";

    /// <summary>
    /// Secret for the HMAC-SHA256 signature on cookies that carry ids (at least 32 characters). Required: a forged
    /// or edited id is ignored and replaced. Rotate by deploying a new key (visitors then get new ids).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Send cookies only over HTTPS. The default is true; Development turns it off for http://127.0.0.1.</summary>
    public bool Secure { get; set; } = true;

    /// <summary>
    /// SameSite mode: <c>Lax</c> (the default) when the edge is served from the client's own subdomain (CNAME), so the
    /// cookies are first-party; <c>None</c> (needs <see cref="Secure"/>) when the tag calls the edge on another site.
    /// </summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>How long the visitor id lives, in days. The default is 395 (13 months, the usual consent horizon).</summary>
    public int VisitorDays { get; set; } = 395;
}
