using System.Globalization;
using CustomerLab.Edge.Cookies;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// A signed, short-lived reference to a visitor that a page can hand to its own server (<c>customerlab('visitor', fn)</c>),
/// which sends it with an order to <c>POST /v1/conversions</c>: the visitor cookie itself stays HttpOnly. The token is
/// <c>site~visitor~session~expiry</c> signed like the cookies (HMAC-SHA256 under <c>Cookies:SigningKeys</c>, with its
/// own name, so it is not a cookie value); it names the site, so it is worth nothing on another site.
/// </summary>
internal sealed class VisitorTokens(VisitorCookies cookies, TimeProvider time, IOptions<ConversionsOptions> options)
{
    private const string Name = "cl-visitor-token";

    public string Issue(string siteKey, string visitorId, string sessionId)
    {
        var expires = time.GetUtcNow().AddMinutes(options.Value.VisitorTokenMinutes).ToUnixTimeSeconds();
        return cookies.Sign(Name, string.Join('~', siteKey, visitorId, sessionId, expires.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The visitor and session of a valid, unexpired token of this site; null otherwise.</summary>
    public (string VisitorId, string SessionId)? Read(string siteKey, string token)
    {
        if (token.Length > 512 || cookies.Verify(Name, token) is not { } value) return null;
        var parts = value.Split('~');
        if (parts.Length != 4 || parts[0] != siteKey || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || time.GetUtcNow().ToUnixTimeSeconds() > expires)
            return null;
        return (parts[1], parts[2]);
    }
}
