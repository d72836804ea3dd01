using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Calls.Sip;

/// <summary>
/// The self-hosted phone server's two questions to the edge (Kamailio, <c>telephony/kamailio/kamailio.cfg</c>), both
/// form posts carrying <see cref="PhoneServerSecret.Header"/>:
/// <list type="bullet">
/// <item><c>POST /v1/calls/route</c>: where a new call to a number goes, from the in-memory routing table
/// (<see cref="CallRouter"/>), never waiting on a store;</item>
/// <item><c>POST /v1/calls/sip/events</c>: the call's lifecycle (ringing, answered, ended, failed), acknowledged once
/// durable in the call-event spool, then attributed and stored like a Twilio call.</item>
/// </list>
/// </summary>
internal static partial class SipPhoneApi
{
    public static IEndpointRouteBuilder MapSipPhoneServer(this IEndpointRouteBuilder app)
    {
        var sip = app.MapGroup("/v1/calls").WithTags("Calls").DisableAntiforgery().AddEndpointFilter<PhoneServerSecret>();
        sip.MapPost("/route", RouteAsync)
            .WithDescription("The phone server asks where a new call goes (form: to, from, callId; header X-Phone-Secret). 200 {uri, timeoutSeconds, site, pool, record}; 404 when the number rings no site.");
        sip.MapPost("/sip/events", EventsAsync)
            .WithDescription("The phone server's lifecycle report (header X-Phone-Secret; form: callId, event = ringing|answered|ended|failed, to, from, duration, code, at). 202 once durable.");
        return app;
    }

    /// <summary>Where the phone server sends the call.</summary>
    /// <param name="Uri">The SIP URI to relay the call to: the site's or pool's PBX, or the trunk gateway with the forward-to number.</param>
    /// <param name="TimeoutSeconds">How long the business may ring before the call is given up.</param>
    /// <param name="Record">Whether the client records calls (the phone server plays the notice first).</param>
    public sealed record SipRoute(string Action, string Uri, int TimeoutSeconds, string Site, string Pool, bool Record);

    private static async Task<Results<Ok<SipRoute>, NotFound<SipRoute>, ValidationProblem, ProblemHttpResult>> RouteAsync(
        HttpContext context, CallRouter router, CallEventLog log, IOptions<CallOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var (form, problem) = await WebhookForm.ReadAsync(context, options.Value, "The phone server");
        if (form is null) return problem!;
        foreach (var field in (string[])["to", "callId"])
            if (string.IsNullOrWhiteSpace(form[field])) return Invalid(field, "Required.");
        var to = form["to"].ToString();
        var logger = loggers.CreateLogger(typeof(SipPhoneApi));
        var route = router.Find(to.StartsWith('+') ? to : "+" + to);
        var uri = route is null ? null : SipDestination.For(route, options.Value);
        if (route is null || uri is null)
        {
            LogNoRoute(logger, to, form["callId"].ToString(), route is null ? "not a number of any site" : "no forward-to number or SIP destination");
            return TypedResults.NotFound(new SipRoute("reject", "", 0, route?.SiteKey ?? "", route?.PoolId ?? "", false));
        }
        var call = new CallEvent(SipCallReport.Provider, form["callId"]!, form["from"].ToString(), route.Number, "ringing", "inbound", time.GetUtcNow(), null)
        {
            ForwardedTo = route.ForwardTo ?? uri,
        };
        try
        {
            await log.AppendAsync(call);
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException or ObjectDisposedException)
        {
            // The caller is connected all the same; the phone server's own reports still bring the call in.
            LogNotSpooled(logger, call.CallId, ex.Message);
        }
        return TypedResults.Ok(new SipRoute("route", uri, route.Settings.DialTimeoutSeconds, route.SiteKey, route.PoolId, Record: false));
    }

    private static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> EventsAsync(
        HttpContext context, CallEventLog log, IOptions<CallOptions> options, TimeProvider time)
    {
        var (form, problem) = await WebhookForm.ReadAsync(context, options.Value, "The phone server");
        if (form is null) return problem!;
        var (events, field, error) = SipCallReport.Read(form, time.GetUtcNow());
        if (field is not null) return Invalid(field, error!);
        try
        {
            foreach (var e in events) await log.AppendAsync(e);
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException or ObjectDisposedException)
        {
            // Not durable, so not acknowledged: the phone server keeps the report and sends it again.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: $"The call event could not be stored: {ex.Message}");
        }
        return TypedResults.Accepted((string?)null);
    }

    private static ValidationProblem Invalid(string field, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] });

    [LoggerMessage(8401, LogLevel.Information, "SIP call {CallId} to {Number} refused: {Reason}", EventName = "SipCallRefused")]
    private static partial void LogNoRoute(ILogger logger, string number, string callId, string reason);

    [LoggerMessage(8402, LogLevel.Error, "SIP call {CallId} routed, but its event was not spooled: {Error}", EventName = "SipCallEventNotSpooled")]
    private static partial void LogNotSpooled(ILogger logger, string callId, string error);
}
