namespace CustomerLab.Edge.Backoffice.Pools;

/// <summary>
/// A pool form that came back with errors, to draw again with what was typed and each error beside its field:
/// <see cref="Form"/> is <c>create</c>, <c>edit</c> or <c>numbers</c>; <see cref="NumberErrors"/> pairs each pasted
/// line that was refused with the reason.
/// </summary>
internal sealed record PoolFormState(string Form, string Site, string Pool, IFormCollection Values, IReadOnlyList<string> Errors,
    IReadOnlyList<(string Line, string Message)> NumberErrors)
{
    public bool Is(string form, string site, string pool) => Form == form && Site == site && Pool == pool;
}
