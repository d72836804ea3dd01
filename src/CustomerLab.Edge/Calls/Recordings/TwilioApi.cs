using System.Net.Http.Headers;
using System.Text;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using global::Twilio.Clients;


namespace CustomerLab.Edge.Calls.Recordings;

/// <summary>
/// Twilio's REST API as the edge reaches it: one named <see cref="System.Net.Http.HttpClient"/> whose handler sends
/// every request to <see cref="CallOptions.TwilioApiBaseUrl"/> (Twilio's own host by default, a local stand-in in tests),
/// and the Twilio package's <see cref="TwilioRestClient"/> over it with the credentials of the account that holds a recording.
/// </summary>
internal sealed class TwilioApi(IHttpClientFactory clients, IOptions<CallOptions> options)
{
    public const string HttpClientName = "twilio";

    /// <summary>The account's credentials: the site's own account when the recording is in it, else the deployment's token.</summary>
    public (string AccountSid, string AuthToken)? CredentialsFor(SiteConfig? site, string accountSid)
    {
        if (site?.Calls is { TwilioAccountSid: { } own, TwilioAuthToken: { } token } && own == accountSid) return (own, token);
        return options.Value.TwilioAuthToken.Length > 0 && accountSid.Length > 0 ? (accountSid, options.Value.TwilioAuthToken) : null;
    }

    /// <summary>A REST client for one account (cheap: the HTTP connections are the factory's).</summary>
    public ITwilioRestClient RestClient((string AccountSid, string AuthToken) credentials) =>
        new TwilioRestClient(credentials.AccountSid, credentials.AuthToken, accountSid: credentials.AccountSid,
            httpClient: new global::Twilio.Http.SystemNetHttpClient(clients.CreateClient(HttpClientName)));

    /// <summary>GET the recording's audio (MP3); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> GetAudioAsync((string AccountSid, string AuthToken) credentials, string recordingSid, CancellationToken cancellationToken)
    {
        var url = $"{CallOptions.TwilioApiDefaultBaseUrl}/2010-04-01/Accounts/{credentials.AccountSid}/Recordings/{recordingSid}.mp3";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.AccountSid}:{credentials.AuthToken}")));
        return await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}

/// <summary>Sends Twilio API requests to <see cref="CallOptions.TwilioApiBaseUrl"/>, keeping their path and query.</summary>
internal sealed class TwilioBaseUrlHandler(IOptions<CallOptions> options) : DelegatingHandler
{
    private readonly Uri _base = new(options.Value.TwilioApiBaseUrl.TrimEnd('/') + "/");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && uri.Host.EndsWith("twilio.com", StringComparison.OrdinalIgnoreCase))
            request.RequestUri = new Uri(_base, uri.PathAndQuery.TrimStart('/'));
        return base.SendAsync(request, cancellationToken);
    }
}
