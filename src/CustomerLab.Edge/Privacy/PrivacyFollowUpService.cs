using CustomerLab.Edge.Redis;
using CustomerLab.Edge.ClickHouse.Migrations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Privacy;

/// <summary>
/// Runs each deletion once more when its follow-up is due (<see cref="PrivacyFollowUpQueue"/>), to remove what was
/// still on its way when it ran: events in an edge's spool and lease-history rows in a writer's buffer land in
/// ClickHouse after the deletion. Every edge polls; claims are atomic, so each follow-up runs on one edge. The pass is
/// audited with <c>requested_by = 'follow-up'</c> and schedules no further pass. One that fails (a store down) is put
/// back with a growing delay and tried again until the stores answer; the web host runs this service, the CLI does not.
/// </summary>
internal sealed partial class PrivacyFollowUpService(PrivacyFollowUpQueue queue, PrivacyRequests requests, SchemaState schema,
    IOptions<PrivacyOptions> options, TimeProvider time, ILogger<PrivacyFollowUpService> logger) : BackgroundService
{
    /// <summary>Most follow-ups claimed at once; a full batch is followed by the next one without waiting.</summary>
    private const int BatchSize = 20;

    /// <summary>A failed follow-up is tried again after 30 s, doubling up to 15 minutes.</summary>
    private readonly DueQueueBackoff _backoff = new(first: TimeSpan.FromSeconds(30), max: TimeSpan.FromMinutes(15));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.FollowUpPollSeconds);
        try
        {
            // The deletion reads and deletes ClickHouse tables: wait for the migrations, as the writers do.
            await schema.WhenReady(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<ClaimedFollowUp> claimed = [];
                try { claimed = await queue.ClaimDueAsync(BatchSize); }
                catch (Exception ex) when (ex is not OperationCanceledException) { LogClaimFailed(logger, ex.Message); }
                foreach (var followUp in claimed)
                    await RunAsync(followUp, stoppingToken);
                if (claimed.Count < BatchSize) await Task.Delay(poll, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task RunAsync(ClaimedFollowUp followUp, CancellationToken stoppingToken)
    {
        if (PrivacyFollowUpQueue.Parse(followUp.Member) is not { } subject)
        {
            // Not written by an edge (or by a newer one): nothing to run. The member is not logged: it may hold an id.
            LogMalformed(logger);
            await TryReleaseAsync(followUp, due: null);
            return;
        }
        try
        {
            var outcome = await requests.FollowUpAsync(subject, stoppingToken);
            _backoff.Succeeded(followUp.Member);
            LogCompleted(logger, outcome.RequestId, subject.TypeName, outcome.Counts.Values.Sum());
            await TryReleaseAsync(followUp, due: null);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-way: due again at once, for whichever edge is still running.
            await TryReleaseAsync(followUp, time.GetUtcNow());
            throw;
        }
        catch (Exception ex)
        {
            // Redis or ClickHouse down (or anything else): not lost, tried again later. PrivacyRequests audited the failure.
            // Only the exception's type is logged, as PrivacyRequests does: a store's message might quote the subject.
            var (failures, delay) = _backoff.Failed(followUp.Member);
            LogFailed(logger, subject.TypeName, failures, delay.TotalSeconds, ex.GetType().Name);
            await TryReleaseAsync(followUp, time.GetUtcNow() + delay);
        }
    }

    /// <summary>
    /// Removes (<paramref name="due"/> null) or reschedules the claimed member. When Redis does not answer, the claim
    /// simply ends after <see cref="PrivacyFollowUpQueue.ClaimDuration"/> and the follow-up is due again: it runs once
    /// more rather than never.
    /// </summary>
    private async Task TryReleaseAsync(ClaimedFollowUp followUp, DateTimeOffset? due)
    {
        try
        {
            if (due is { } at) await queue.RescheduleAsync(followUp, at);
            else await queue.CompleteAsync(followUp);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReleaseFailed(logger, PrivacyFollowUpQueue.ClaimDuration.TotalMinutes, ex.GetType().Name);
        }
    }

    [LoggerMessage(7111, LogLevel.Information, "Privacy follow-up {RequestId} for a {SubjectType} completed: {Items} late items removed",
        EventName = "PrivacyFollowUpCompleted")]
    private static partial void LogCompleted(ILogger logger, Guid requestId, string subjectType, long items);

    [LoggerMessage(7112, LogLevel.Warning, "Privacy follow-up for a {SubjectType} failed ({Failures} so far), retrying in {Seconds} s: {Error}",
        EventName = "PrivacyFollowUpFailed")]
    private static partial void LogFailed(ILogger logger, string subjectType, int failures, double seconds, string error);

    [LoggerMessage(7113, LogLevel.Warning, "Privacy follow-ups could not be claimed, trying again at the next poll: {Error}", EventName = "PrivacyFollowUpClaimFailed")]
    private static partial void LogClaimFailed(ILogger logger, string error);

    [LoggerMessage(7114, LogLevel.Warning, "Dropped a malformed entry of the privacy follow-up queue", EventName = "PrivacyFollowUpMalformed")]
    private static partial void LogMalformed(ILogger logger);

    [LoggerMessage(7115, LogLevel.Warning, "A privacy follow-up could not be removed or rescheduled; it is due again when its claim ends in {Minutes} minutes: {Error}",
        EventName = "PrivacyFollowUpReleaseFailed")]
    private static partial void LogReleaseFailed(ILogger logger, double minutes, string error);
}
