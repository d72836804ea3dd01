using System.Globalization;
using CustomerLab.Edge.Calls;
using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Calls.Routing;
using CustomerLab.Edge.Calls.Twilio;
using CustomerLab.Edge.Phones;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Twilio.TwiML;
using Twilio.TwiML.Messaging;

namespace CustomerLab.Edge.Calls.Texts;

/// <summary>
/// <c>POST /v1/sms/twilio</c>, the Messaging URL of tracking numbers, signed like the voice webhooks (the site's token,
/// found from <c>To</c>). A consumer's text is forwarded to the forward-to number (<c>&lt;Message&gt;</c> "From +1…: body",
/// unless the site turned it off); a text from the forward-to number is the business's reply, relayed to the consumer who
/// last texted the tracking number within 24 hours, unless they sent STOP. STOP, START and HELP are honoured and not
/// forwarded. Every text goes into the call-event spool (like a call's events) and from there, attributed, into
/// <c>texts</c>; its body only when the site keeps bodies.
/// </summary>
internal static partial class TwilioSmsApi
{
    public const string Path = "/v1/sms/twilio";

    /// <summary>The longest text Twilio sends: 1,600 characters.</summary>
    private const int MaxMessageChars = 1600;

    public static IEndpointRouteBuilder MapTexts(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, SmsAsync).WithTags("Texts").DisableAntiforgery()
            .WithDescription("Twilio's Messaging URL: forwards the text to the business (<Message>), relays the business's reply, honours STOP/START/HELP.");
        return app;
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> SmsAsync(HttpContext context, CallRouter router,
        CallEventLog log, TextConversations conversations, IOptions<CallOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var (form, problem) = await TwilioForm.ReadAsync(context, options.Value);
        if (form is null) return problem!;
        var route = router.Find(form["To"].ToString());
        if (!TwilioSignature.IsValid(context.Request, form, TwilioVoiceApi.TokenFor(route, options.Value), options.Value)) return TwilioVoiceApi.Unsigned();
        if (TwilioForm.Missing(form, "MessageSid", "From", "To") is { } missing) return TwilioVoiceApi.Required(missing);
        var logger = loggers.CreateLogger(typeof(TwilioSmsApi));
        var messageSid = form["MessageSid"].ToString();
        if (route is null)
        {
            LogDropped(logger, messageSid, form["To"].ToString(), "not a number of any site");
            return Twiml(new MessagingResponse());
        }
        var from = PhoneNumberParsing.DescribeCaller(form["From"]).Number;
        var body = form["Body"].ToString();
        var settings = route.Settings.Texts;
        var fromBusiness = route.ForwardTo is not null && from == route.ForwardTo;
        var response = new MessagingResponse();
        string outcome, keyword = "", consumer;
        try
        {
            if (fromBusiness)
            {
                consumer = await conversations.LastTexterAsync(route.Number) ?? "";
                if (consumer.Length == 0) outcome = Dropped(logger, messageSid, route.Number, "no consumer texted this number in the last 24 hours");
                else if (await conversations.IsOptedOutAsync(route.SiteKey, consumer)) outcome = Dropped(logger, messageSid, route.Number, "the consumer sent STOP");
                else
                {
                    response.Message(Truncate(body), to: consumer, from: route.Number);
                    outcome = "relayed";
                }
            }
            else
            {
                consumer = from;
                keyword = TextKeywords.Of(body);
                switch (keyword)
                {
                    case TextKeywords.Stop:
                        await conversations.OptOutAsync(route.SiteKey, consumer);
                        outcome = "opted_out";
                        break;
                    case TextKeywords.Start:
                        await conversations.OptInAsync(route.SiteKey, consumer);
                        outcome = "opted_in";
                        break;
                    case TextKeywords.Help:
                        response.Message(settings.HelpMessage);
                        outcome = "help";
                        break;
                    default:
                        await conversations.RememberTexterAsync(route.Number, consumer);
                        outcome = Forward(response, route, consumer, body, settings.Forward);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis down: a consumer's text still reaches the business; a reply cannot be relayed (nobody known to send it to).
            LogRedisDown(logger, messageSid, ex.GetType().Name);
            consumer = fromBusiness ? "" : from;
            outcome = fromBusiness ? Dropped(logger, messageSid, route.Number, "Redis is unavailable") : Forward(response, route, from, body, settings.Forward);
        }
        var text = new TextMessageInfo(route.SiteKey, route.PoolId, fromBusiness ? "reply" : "inbound", from, fromBusiness ? consumer : route.Number, consumer,
            keyword, outcome, body.Length, settings.StoreBody ? body : "", Int(form, "NumSegments"), Int(form, "NumMedia"));
        var e = new CallEvent("twilio", messageSid, from, route.Number, "received", text.Direction, time.GetUtcNow(), null)
        {
            Leg = CallEvent.TextLeg, Text = text,
        };
        await TwilioVoiceApi.TryAppendAsync(log, e, loggers);
        return Twiml(response);
    }

    private static string Forward(MessagingResponse response, CallRoute route, string consumer, string body, bool forward)
    {
        if (!forward || route.ForwardTo is null) return "not_forwarded";
        response.Message(Truncate($"From {consumer}: {body}"), to: route.ForwardTo, from: route.Number);
        return "forwarded";
    }

    private static string Dropped(ILogger logger, string messageSid, string number, string reason)
    {
        LogDropped(logger, messageSid, number, reason);
        return "dropped";
    }

    private static string Truncate(string text) => text.Length <= MaxMessageChars ? text : text[..MaxMessageChars];

    private static int Int(IFormCollection form, string field) =>
        int.TryParse(form[field], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static ContentHttpResult Twiml(MessagingResponse response) => TypedResults.Text(response.ToString(), "text/xml");

    [LoggerMessage(8501, LogLevel.Information, "Text {MessageSid} to {Number} dropped: {Reason}", EventName = "TextDropped")]
    private static partial void LogDropped(ILogger logger, string messageSid, string number, string reason);

    [LoggerMessage(8502, LogLevel.Warning, "Text {MessageSid}: Redis is unavailable ({Error}); forwarded without the relay's state", EventName = "TextRelayStateUnavailable")]
    private static partial void LogRedisDown(ILogger logger, string messageSid, string error);
}
