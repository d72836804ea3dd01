using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

/// <summary>
/// Lets a request through only with an <c>X-Api-Key</c> whose SHA-256 is configured (401 otherwise) and whose scope
/// covers the request: a key limited to a site reaches only requests about that site (route <c>{siteKey}</c> or
/// <c>{site}</c>, or <c>?site=</c>), 403 otherwise.
/// The matched key is left in <see cref="HttpContext.Items"/> for auditing.
/// </summary>
internal sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    /// <summary>Item key under which the accepted <see cref="AcceptedKey"/> is stored.</summary>
    public const string ItemKey = "CustomerLab.AdminKey";

    /// <summary>A configured key: its hash, its site (null: global), its label.</summary>
    internal sealed record AcceptedKey(byte[] Hash, string? Site, string Name);

    private readonly AcceptedKey[] _keys = options.Value.ApiKeySha256.Select(h => Accepted(h, null, null))
        .Concat(options.Value.Keys.Select(k => Accepted(k.Sha256, k.Site, k.Name))).ToArray();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0 || Find(key) is not { } accepted)
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: key.Length == 0 ? $"The {Header} header is required." : $"The {Header} header does not hold an accepted key."));
        if (accepted.Site is not null && !string.Equals(RequestedSite(http), accepted.Site, StringComparison.Ordinal))
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This key is limited to site '{accepted.Site}'."));
        http.Items[ItemKey] = accepted;
        return next(context);
    }

    /// <summary>
    /// The site a request is about: the <c>{siteKey}</c> or <c>{site}</c> route value, else the <c>site</c> query
    /// parameter (the exports). Null when it names none, which a site-scoped key may not use.
    /// </summary>
    private static string? RequestedSite(HttpContext http)
    {
        if ((http.GetRouteValue("siteKey") ?? http.GetRouteValue("site")) is string fromRoute) return fromRoute;
        var fromQuery = http.Request.Query["site"];
        return fromQuery.Count == 1 ? fromQuery[0] : null;
    }

    /// <summary>Who made an admin request, for audit rows: the key's label, never the key.</summary>
    public static string Caller(HttpContext context) =>
        context.Items[ItemKey] is AcceptedKey k ? "admin:" + k.Name : "admin:unknown";

    private AcceptedKey? Find(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        AcceptedKey? found = null;
        // Compare with every configured hash in fixed time and without stopping early, so timing tells nothing
        // about which one is close.
        foreach (var candidate in _keys)
            if (CryptographicOperations.FixedTimeEquals(candidate.Hash, hash) && found is null)
                found = candidate;
        return found;
    }

    private static AcceptedKey Accepted(string sha256Hex, string? site, string? name) =>
        new(Convert.FromHexString(sha256Hex), string.IsNullOrEmpty(site) ? null : site,
            string.IsNullOrEmpty(name) ? sha256Hex[..12].ToLowerInvariant() : name);
}
