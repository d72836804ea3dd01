using CustomerLab.Edge.Redis;
using CustomerLab.Edge.Sites;
using Microsoft.Extensions.Options;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace CustomerLab.Edge.Calls.Recordings;

/// <summary>
/// Deletes recordings at Twilio as <see cref="RecordingDeletionQueue"/> asks, with the Twilio package's REST client
/// (<see cref="RecordingResource.DeleteAsync(string, string, Twilio.Clients.ITwilioRestClient)"/>) and the credentials of
/// the account that holds each. Done when Twilio answers 204, or 404 (already gone); anything else (Twilio down, 5xx,
/// 429, credentials missing or refused) is retried with a growing delay, never dropped.
/// </summary>
internal sealed partial class RecordingDeletionService(RecordingDeletionQueue queue, TwilioApi twilio, SiteStore sites, IOptions<CallOptions> options,
    TimeProvider time, ILogger<RecordingDeletionService> logger) : BackgroundService
{
    /// <summary>Most deletions claimed at once; a full batch is followed by the next one without waiting.</summary>
    private const int BatchSize = 20;

    /// <summary>A failed deletion is tried again after 1 s, doubling up to 15 minutes.</summary>
    private readonly DueQueueBackoff _backoff = new(first: TimeSpan.FromSeconds(1), max: TimeSpan.FromMinutes(15));

    /// <summary>Recordings this edge deleted at Twilio since start.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    private long _deleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.RecordingDeletionPollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<(PendingRecordingDeletion? Deletion, ClaimedDeletion Claim)> claimed = [];
                try { claimed = await queue.ClaimDueAsync(BatchSize); }
                catch (Exception ex) when (ex is not OperationCanceledException) { LogClaimFailed(logger, ex.Message); }
                foreach (var (deletion, claim) in claimed)
                    await DeleteAsync(deletion, claim, stoppingToken);
                if (claimed.Count < BatchSize) await Task.Delay(poll, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task DeleteAsync(PendingRecordingDeletion? deletion, ClaimedDeletion claim, CancellationToken stoppingToken)
    {
        if (deletion is null)
        {
            LogMalformed(logger, claim.Member);
            await ReleaseAsync(claim, due: null);
            return;
        }
        try
        {
            var credentials = twilio.CredentialsFor(await sites.GetAsync(deletion.SiteKey), deletion.AccountSid)
                ?? throw new InvalidOperationException($"no Twilio credentials for account {deletion.AccountSid}");
            try
            {
                await RecordingResource.DeleteAsync(deletion.RecordingSid, deletion.AccountSid, twilio.RestClient(credentials));
            }
            catch (ApiException ex) when (ex.Status == StatusCodes.Status404NotFound)
            {
                // Already gone at Twilio: what the deletion wanted.
            }
            _backoff.Succeeded(claim.Member);
            Interlocked.Increment(ref _deleted);
            LogDeleted(logger, deletion.RecordingSid, deletion.AccountSid);
            await ReleaseAsync(claim, due: null);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseAsync(claim, time.GetUtcNow());
            throw;
        }
        catch (Exception ex)
        {
            var (failures, delay) = _backoff.Failed(claim.Member);
            LogRetry(logger, deletion.RecordingSid, failures, delay.TotalSeconds, ex.GetType().Name, ex.Message);
            await ReleaseAsync(claim, time.GetUtcNow() + delay);
        }
    }

    /// <summary>Removes or reschedules the member; when Redis does not answer, the claim ends by itself and the deletion is due again.</summary>
    private async Task ReleaseAsync(ClaimedDeletion claim, DateTimeOffset? due)
    {
        try
        {
            if (due is { } at) await queue.RescheduleAsync(claim, at);
            else await queue.CompleteAsync(claim);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReleaseFailed(logger, RecordingDeletionQueue.ClaimDuration.TotalMinutes, ex.GetType().Name);
        }
    }

    [LoggerMessage(8411, LogLevel.Information, "Recording {RecordingSid} deleted at Twilio (account {AccountSid})", EventName = "RecordingDeletedAtTwilio")]
    private static partial void LogDeleted(ILogger logger, string recordingSid, string accountSid);

    [LoggerMessage(8412, LogLevel.Warning, "Recording {RecordingSid} not deleted at Twilio yet ({Failures} failures), retrying in {Seconds} s: {Kind}: {Error}",
        EventName = "RecordingDeletionRetry")]
    private static partial void LogRetry(ILogger logger, string recordingSid, int failures, double seconds, string kind, string error);

    [LoggerMessage(8413, LogLevel.Warning, "Recording deletions could not be claimed, trying again at the next poll: {Error}", EventName = "RecordingDeletionClaimFailed")]
    private static partial void LogClaimFailed(ILogger logger, string error);

    [LoggerMessage(8414, LogLevel.Warning, "Dropped a malformed entry of the recording deletion queue: {Member}", EventName = "RecordingDeletionMalformed")]
    private static partial void LogMalformed(ILogger logger, string member);

    [LoggerMessage(8415, LogLevel.Warning, "A recording deletion could not be removed or rescheduled; it is due again when its claim ends in {Minutes} minutes: {Error}",
        EventName = "RecordingDeletionReleaseFailed")]
    private static partial void LogReleaseFailed(ILogger logger, double minutes, string error);
}
