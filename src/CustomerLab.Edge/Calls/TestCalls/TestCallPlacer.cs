using System.Globalization;
using System.Xml.Linq;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.Calls.Twilio;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls.TestCalls;

/// <summary>What a placed test call was: the call's id and where it went.</summary>
public sealed record TestCallPlaced(string CallSid, string SiteKey, string PoolId, string To, string From, string ForwardedTo, int TalkSeconds, int DurationSeconds);

/// <summary>
/// Places a test call to a tracking number the way Twilio reports a real one to the edge, so it takes the real call path
/// (signature check, routing, the durable call-event spool, attribution by the number's lease, the <c>calls</c> row):
/// the voice webhook, then the business leg's status callbacks and the Dial's action at the URLs the TwiML answer
/// named, then the caller's <c>completed</c> callback. Every request is sent over HTTP to this edge's own listening
/// address and signed with the number's auth token (<see cref="TwilioVoiceApi.TokenFor"/>) over the URL Twilio would
/// call. Each carries <see cref="TwilioForm.TestCallField"/>, so the call is stored flagged (<c>simulated</c>).
/// </summary>
internal sealed partial class TestCallPlacer(IHttpClientFactory clients, IServer server, CallRouter router, IOptions<CallOptions> options,
    TimeProvider time, ILogger<TestCallPlacer> logger)
{
    public const string HttpClientName = "test-calls";

    /// <summary>The test caller: a fictional number (555-01XX), not one the demo site uses.</summary>
    public const string Caller = "+12025550177";

    /// <summary>Seconds the test caller talks to the business, and the whole call, as the callbacks report them.</summary>
    private const int TalkSeconds = 42, DurationSeconds = 47;

    private const string AccountSid = "AC00000000000000000000000000000000";

    private readonly CallOptions _options = options.Value;

    /// <summary>The test call's outcome: the call placed, or why not (a problem for the page; 400: the number's fault).</summary>
    public sealed record Outcome(TestCallPlaced? Placed, int Status, string Problem);

    public async Task<Outcome> PlaceAsync(HttpRequest request, string number, CancellationToken cancellationToken)
    {
        var route = router.Find(number);
        if (route is null) return Fail(StatusCodes.Status400BadRequest, $"{number} is not a tracking number of any site (the routing table does not know it).");
        var token = TwilioVoiceApi.TokenFor(route, _options);
        if (token.Length == 0)
            return Fail(StatusCodes.Status409Conflict, "No Twilio auth token to sign the test call with: set Calls:TwilioAuthToken (./run.sh sets a development one).");
        var target = OwnAddress(request);
        var signedBase = _options.PublicBaseUrl.Length > 0 ? _options.PublicBaseUrl.TrimEnd('/') + request.PathBase : target;
        var call = new Call(clients.CreateClient(HttpClientName), target, signedBase, token, route.Number, time);

        var (status, twiml) = await call.SendAsync(TwilioVoiceApi.VoicePath, call.Caller("ringing"), cancellationToken);
        if (status != StatusCodes.Status200OK) return Fail(StatusCodes.Status502BadGateway, $"The voice webhook ({call.LastSignedUrl}) answered {status}: {twiml}");
        var dial = XDocument.Parse(twiml).Root?.Element("Dial");
        var dialled = dial?.Element("Number");
        if (dial is null || dialled is null)
            return Fail(StatusCodes.Status409Conflict, $"The voice webhook did not dial the business (the site of {route.Number} needs a forward-to number): {twiml}");

        var forwardTo = dialled.Value.Trim();
        var legUrl = dialled.Attribute("statusCallback")!.Value;
        foreach (var (legStatus, duration) in new (string, int?)[] { ("initiated", null), ("ringing", null), ("in-progress", null), ("completed", TalkSeconds) })
            if (await call.ExpectOkAsync(legUrl, call.BusinessLeg(legStatus, forwardTo, duration), cancellationToken) is { } failed) return failed;
        var action = call.Caller("in-progress");
        action["DialCallSid"] = call.ChildSid;
        action["DialCallStatus"] = "completed";
        action["DialCallDuration"] = TalkSeconds.ToString(CultureInfo.InvariantCulture);
        action["DialBridged"] = "true";
        if (await call.ExpectOkAsync(dial.Attribute("action")!.Value, action, cancellationToken) is { } dialFailed) return dialFailed;
        var completed = call.Caller("completed");
        completed["CallDuration"] = DurationSeconds.ToString(CultureInfo.InvariantCulture);
        if (await call.ExpectOkAsync(TwilioVoiceApi.StatusPath, completed, cancellationToken) is { } completedFailed) return completedFailed;

        LogPlaced(logger, call.CallSid, route.Number, route.SiteKey);
        return new Outcome(new TestCallPlaced(call.CallSid, route.SiteKey, route.PoolId, route.Number, Caller, forwardTo, TalkSeconds, DurationSeconds), 200, "");
    }

    private static Outcome Fail(int status, string problem) => new(null, status, problem);

    /// <summary>
    /// Where this edge listens (its first address, a wildcard host as loopback), so the webhooks reach this very edge;
    /// the request's own scheme and host when the server names no address.
    /// </summary>
    private string OwnAddress(HttpRequest request)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 1 : 0).FirstOrDefault();
        if (address is null) return $"{request.Scheme}://{request.Host}{request.PathBase}";
        var uri = new UriBuilder(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1"));
        if (uri.Host is "0.0.0.0") uri.Host = "127.0.0.1";
        if (uri.Host is "[::]" or "::") uri.Host = "[::1]";
        return uri.Uri.GetLeftPart(UriPartial.Authority) + request.PathBase;
    }

    /// <summary>One test call's requests: its ids, the fields Twilio sends, and sending them signed.</summary>
    private sealed class Call(HttpClient http, string target, string signedBase, string token, string to, TimeProvider time)
    {
        public string CallSid { get; } = "CA" + Guid.NewGuid().ToString("N");
        public string ChildSid { get; } = "CA" + Guid.NewGuid().ToString("N");
        private int _sequence;

        public Dictionary<string, string> Caller(string status) => new()
        {
            ["AccountSid"] = AccountSid, ["ApiVersion"] = "2010-04-01", ["CallSid"] = CallSid, ["CallStatus"] = status,
            ["Direction"] = "inbound", ["From"] = TestCallPlacer.Caller, ["Caller"] = TestCallPlacer.Caller, ["To"] = to, ["Called"] = to,
            ["Timestamp"] = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture),
            ["SequenceNumber"] = (_sequence++).ToString(CultureInfo.InvariantCulture), [TwilioForm.TestCallField] = "true",
        };

        public Dictionary<string, string> BusinessLeg(string status, string forwardTo, int? duration)
        {
            var fields = new Dictionary<string, string>
            {
                ["AccountSid"] = AccountSid, ["ApiVersion"] = "2010-04-01", ["CallSid"] = ChildSid, ["ParentCallSid"] = CallSid,
                ["CallStatus"] = status, ["Direction"] = "outbound-dial", ["From"] = TestCallPlacer.Caller, ["To"] = forwardTo, ["Called"] = forwardTo,
                ["Timestamp"] = time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture),
                ["SequenceNumber"] = (_sequence++).ToString(CultureInfo.InvariantCulture), [TwilioForm.TestCallField] = "true",
            };
            if (duration is { } d) fields["CallDuration"] = d.ToString(CultureInfo.InvariantCulture);
            return fields;
        }

        /// <summary>Sends to a path of this edge, or to an absolute URL a TwiML answer named (sent to this edge, signed over that URL).</summary>
        public string LastSignedUrl { get; private set; } = "";

        public async Task<(int Status, string Body)> SendAsync(string pathOrUrl, Dictionary<string, string> fields, CancellationToken cancellationToken)
        {
            // A path starts with '/' (on Unix, Uri would take it for an absolute file URI).
            var absolute = pathOrUrl.StartsWith('/') ? null : new Uri(pathOrUrl, UriKind.Absolute);
            var pathAndQuery = absolute?.PathAndQuery ?? pathOrUrl;
            var signedUrl = LastSignedUrl = absolute?.AbsoluteUri ?? signedBase + pathOrUrl;
            using var request = new HttpRequestMessage(HttpMethod.Post, target + pathAndQuery) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add(TwilioSignature.Header, TwilioSignature.Sign(token, signedUrl, fields));
            using var response = await http.SendAsync(request, cancellationToken);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        public async Task<Outcome?> ExpectOkAsync(string pathOrUrl, Dictionary<string, string> fields, CancellationToken cancellationToken)
        {
            var (status, body) = await SendAsync(pathOrUrl, fields, cancellationToken);
            return status == StatusCodes.Status200OK ? null : Fail(StatusCodes.Status502BadGateway, $"{LastSignedUrl} answered {status}: {body}");
        }
    }

    [LoggerMessage(9620, LogLevel.Information, "Test call {CallId} placed to {Number} of site {SiteKey}", EventName = "TestCallPlaced")]
    private static partial void LogPlaced(ILogger logger, string callId, string number, string siteKey);
}
