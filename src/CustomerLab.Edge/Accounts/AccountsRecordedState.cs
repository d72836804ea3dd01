using CustomerLab.Edge.Record;

namespace CustomerLab.Edge.Accounts;

/// <summary>Report users, restored into <c>cl:accounts</c> from the record after a loss.</summary>
internal sealed class AccountsRecordedState(AccountStore store) : IRecordedState
{
    public string Name => "accounts";

    public Task<int> RestoreAsync(CancellationToken cancellationToken) => store.RestoreAsync(cancellationToken);
}
