using System.Net;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.Utility;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Calls.Recordings;

/// <summary>
/// <c>GET /report/recordings/{site}/{recordingSid}</c> for signed-in users who may read the site (<see cref="Accounts.UserSiteFilter"/>;
/// not for analysts when the site masks callers, <see cref="SiteCallSettings.MaskCallersForAnalysts"/>):
/// the recording's audio (MP3), fetched from Twilio with
/// the credentials of the account that holds it and streamed through. The Twilio URL and the credentials never reach
/// the browser; a recording deleted by a privacy request is gone (404).
/// </summary>
internal static partial class RecordingsApi
{
    [System.Text.RegularExpressions.GeneratedRegex("^RE[0-9a-fA-F]{32}\\z")]
    private static partial System.Text.RegularExpressions.Regex RecordingSidPattern();

    public static IEndpointRouteBuilder MapRecordings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/report/recordings/{site}/{recordingSid}", AudioAsync).RequireAuthorization(Accounts.AccountsEndpoints.Policy)
            .AddEndpointFilter<Accounts.UserSiteFilter>().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> AudioAsync(
        string site, string recordingSid, HttpContext context, ClickHouseClient clickHouse, SiteStore sites, TwilioApi twilio, Accounts.AccountStore accounts,
        CancellationToken cancellationToken)
    {
        // A site that hides callers from its analysts hides their voices too (admins still hear them).
        if (!(await accounts.GetAccessAsync(context.User.Identity!.Name!)).IsAdmin && (await sites.GetAsync(site))?.Calls.MaskCallersForAnalysts == true)
            return Problem(StatusCodes.Status403Forbidden, $"Site '{site}' hides callers and their recordings from analysts.");
        if (!RecordingSidPattern().IsMatch(recordingSid))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["recordingSid"] = ["'RE' followed by 32 hexadecimal digits."] });
        var parameters = new ClickHouseParameterCollection();
        parameters.AddParameter("sid", recordingSid);
        parameters.AddParameter("site", site);
        string siteKey, accountSid;
        using (var reader = await clickHouse.ExecuteReaderAsync(
            "SELECT site_id, account_sid FROM call_recordings FINAL WHERE site_id = {site:String} AND recording_sid = {sid:String} LIMIT 1", parameters, cancellationToken: cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return Problem(StatusCodes.Status404NotFound, $"No recording {recordingSid} of site '{site}'.");
            (siteKey, accountSid) = (reader.GetString(0), reader.GetString(1));
        }
        if (twilio.CredentialsFor(await sites.GetAsync(siteKey), accountSid) is not { } credentials)
            return Problem(StatusCodes.Status503ServiceUnavailable, "No Twilio credentials for the account that holds this recording.");
        HttpResponseMessage upstream;
        try
        {
            upstream = await twilio.GetAudioAsync(credentials, recordingSid, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Problem(StatusCodes.Status502BadGateway, "Twilio could not be reached for the recording's audio.");
        }
        context.Response.RegisterForDispose(upstream);
        if (upstream.StatusCode == HttpStatusCode.NotFound) return Problem(StatusCodes.Status404NotFound, $"Twilio no longer has recording {recordingSid}.");
        if (!upstream.IsSuccessStatusCode)
            return Problem(StatusCodes.Status502BadGateway, $"Twilio answered {(int)upstream.StatusCode} for the recording's audio.");
        context.Response.ContentType = upstream.Content.Headers.ContentType?.MediaType is { } type && type.StartsWith("audio/", StringComparison.Ordinal) ? type : "audio/mpeg";
        if (upstream.Content.Headers.ContentLength is { } length) context.Response.ContentLength = length;
        context.Response.Headers.CacheControl = "private, no-store";
        await using var audio = await upstream.Content.ReadAsStreamAsync(cancellationToken);
        await audio.CopyToAsync(context.Response.Body, cancellationToken);
        return TypedResults.Empty;
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, detail: detail);
}
