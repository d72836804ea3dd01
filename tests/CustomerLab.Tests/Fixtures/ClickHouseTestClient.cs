using ClickHouse.Driver;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Tests.Fixtures;

/// <summary>The edge's own ClickHouse client and migrator, pointed at the local ClickHouse host and one database.</summary>
public static class ClickHouseTestClient
{
    internal static ClickHouseOptions Options(string baseUrl, string database) => new() { Url = baseUrl, Database = database };

    internal static ClickHouseClient Create(string baseUrl, string database) =>
        new(ClickHouseServiceCollectionExtensions.CreateSettings(Options(baseUrl, database)));

    internal static ClickHouseMigrator Migrator(ClickHouseClient client, string baseUrl, string database) =>
        new(client, Microsoft.Extensions.Options.Options.Create(Options(baseUrl, database)), TimeProvider.System, NullLogger<ClickHouseMigrator>.Instance);
}
