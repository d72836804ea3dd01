namespace CustomerLab.Edge.Http;

/// <summary>
/// Form posts that change a visitor's or user's state (opt-out, opt-in, sign-in) are accepted only from the edge's
/// own pages: browsers send <c>Sec-Fetch-Site</c> and <c>Origin</c> on form posts; a request without them (curl, old
/// browsers) is allowed, since it cannot be a cross-site forgery riding a browser's cookies.
/// </summary>
internal static class SameOriginForm
{
    /// <param name="allowNullOrigin">Accept <c>Origin: null</c> (privacy-preserving browsers send it); not for sign-in,
    /// where a sandboxed frame could use it.</param>
    public static bool IsAllowed(HttpRequest request, bool allowNullOrigin)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none")) return false;
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || (allowNullOrigin && origin == "null") ||
               (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}
