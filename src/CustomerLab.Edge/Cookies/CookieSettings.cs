namespace CustomerLab.Edge.Cookies;

/// <summary>The first-party cookies the edge sets: a visitor id, a session id, and the opt-out marker.</summary>
public sealed partial class CookieSettings
{
    public const string Section = "Cookies";

    /// <summary>
    /// Secret for the HMAC-SHA256 signature on cookies that carry ids (at least 32 characters). A forged or edited id
    /// is ignored and replaced. Either this or <see cref="SigningKeys"/> is required. When both are set, this key
    /// comes after the <see cref="SigningKeys"/> and only verifies (the usual first step of a rotation).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Signing keys for rotation (each at least 32 characters): the first signs every cookie the edge writes, all of
    /// them verify. Rotate by putting the new key first and keeping the old one second; since every answer that
    /// carries ids re-writes the cookies, returning visitors move to the new key, and the old key can be dropped
    /// after the rotation window (visitors not seen since then get a new id). The default is empty.
    /// </summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>The keys in use: <see cref="SigningKeys"/> then <see cref="SigningKey"/> (if not already listed); the first signs.</summary>
    public IReadOnlyList<string> ActiveKeys()
    {
        var keys = SigningKeys.Where(k => !string.IsNullOrEmpty(k)).ToList();
        if (!string.IsNullOrEmpty(SigningKey) && !keys.Contains(SigningKey, StringComparer.Ordinal)) keys.Add(SigningKey);
        return keys;
    }

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
