using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Admin;

/// <summary>Lets a request through only with an <c>X-Api-Key</c> whose SHA-256 is configured; 401 otherwise.</summary>
internal sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    private readonly byte[][] _hashes = options.Value.ApiKeySha256.Select(Convert.FromHexString).ToArray();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = context.HttpContext.Request.Headers[Header].ToString();
        if (key.Length > 0 && IsAccepted(key))
            return next(context);
        return ValueTask.FromResult<object?>(TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: key.Length == 0 ? $"The {Header} header is required." : $"The {Header} header does not hold an accepted key."));
    }

    private bool IsAccepted(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var accepted = false;
        // Compare with every configured hash in fixed time, so timing tells nothing about which one is close.
        foreach (var candidate in _hashes)
            accepted |= CryptographicOperations.FixedTimeEquals(candidate, hash);
        return accepted;
    }
}
