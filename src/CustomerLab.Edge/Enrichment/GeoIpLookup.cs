using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace CustomerLab.Edge.Enrichment;

/// <summary>Country, region and city of an IP address.</summary>
public readonly record struct GeoInfo(string CountryCode, string Region, string City)
{
    public static readonly GeoInfo Empty = new("", "", "");
}

/// <summary>
/// GeoIP with MaxMind.GeoIP2 on a GeoIP2/GeoLite2 City database, memory-mapped (the operating system shares its
/// pages; no copy on the heap). Without a database every lookup is empty.
/// </summary>
internal sealed class GeoIpLookup : IDisposable
{
    private readonly DatabaseReader? _reader;

    public GeoIpLookup(string? databasePath)
    {
        if (databasePath is not null) _reader = new DatabaseReader(databasePath, FileAccessMode.MemoryMapped);
    }

    public bool Enabled => _reader is not null;

    public GeoInfo Lookup(IPAddress? address)
    {
        if (_reader is null || address is null) return GeoInfo.Empty;
        try
        {
            if (!_reader.TryCity(address, out var city) || city is null) return GeoInfo.Empty;
            return new GeoInfo(city.Country.IsoCode ?? "", city.MostSpecificSubdivision.Name ?? "", city.City.Name ?? "");
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or ArgumentException)
        {
            return GeoInfo.Empty;
        }
    }

    public void Dispose() => _reader?.Dispose();
}
