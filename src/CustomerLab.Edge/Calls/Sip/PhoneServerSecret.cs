using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls.Sip;

/// <summary>
/// Admits only the phone server: its requests carry <see cref="Header"/> equal to <see cref="CallOptions.PhoneServerSecret"/>
/// (compared in constant time). Kamailio's packaged modules cannot compute an HMAC over a request, so a shared secret over
/// loopback or a private network is the authentication; an empty secret refuses every request.
/// </summary>
internal sealed class PhoneServerSecret(IOptions<CallOptions> options) : IEndpointFilter
{
    public const string Header = "X-Phone-Secret";

    private readonly byte[] _secret = Encoding.UTF8.GetBytes(options.Value.PhoneServerSecret);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var sent = context.HttpContext.Request.Headers[Header].ToString();
        if (_secret.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), _secret))
            return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                detail: $"The {Header} header is missing or does not match Calls:PhoneServerSecret."));
        return next(context);
    }
}
