using CustomerLab.Edge.Record;

namespace CustomerLab.Edge.Privacy;

/// <summary>Pending deletion follow-ups, restored into their Redis queue from the record after a loss.</summary>
internal sealed class FollowUpRecordedState(PrivacyFollowUpQueue queue) : IRecordedState
{
    public string Name => "privacy_followups";

    public Task<int> RestoreAsync(CancellationToken cancellationToken) => queue.RestoreAsync(cancellationToken);
}
