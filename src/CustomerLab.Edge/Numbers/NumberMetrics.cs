using System.Diagnostics.Metrics;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// The number endpoint's instruments (meter <c>CustomerLab.Edge.Numbers</c>) on <c>/metrics</c>: renewals by how they
/// were answered, <c>cookie</c> (the signed lease cookie, no Redis: <see cref="SignedRenewals"/>) or <c>redis</c>.
/// </summary>
public sealed class NumberMetrics
{
    public const string MeterName = "CustomerLab.Edge.Numbers";

    private static readonly KeyValuePair<string, object?> FromCookie = new("answered_by", "cookie");
    private static readonly KeyValuePair<string, object?> FromRedis = new("answered_by", "redis");

    private readonly Counter<long> _renewals;

    public NumberMetrics(IMeterFactory meters) =>
        _renewals = meters.Create(MeterName).CreateCounter<long>("customerlab_number_renewals", "{renewal}", "Lease renewals, by what answered them (cookie or redis).");

    public void Renewed(bool fromCookie) => _renewals.Add(1, fromCookie ? FromCookie : FromRedis);
}
