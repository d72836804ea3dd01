using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using CustomerLab.Edge.ClickHouse.Migrations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.ClickHouse;

internal static class ClickHouseServiceCollectionExtensions
{
    /// <summary>
    /// Registers one thread-safe <see cref="ClickHouseClient"/> (ClickHouse.Driver over HTTP), the schema
    /// migrator and the background service that applies migrations at start-up.
    /// </summary>
    public static IServiceCollection AddClickHouseStore(this IServiceCollection services)
    {
        services.AddOptions<ClickHouseOptions>().BindConfiguration(ClickHouseOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClickHouseOptions>, ClickHouseOptionsValidator>());
        services.TryAddSingleton(sp => new ClickHouseClient(CreateSettings(sp.GetRequiredService<IOptions<ClickHouseOptions>>().Value)));
        services.TryAddSingleton<ClickHouseMigrator>();
        services.TryAddSingleton<SchemaState>();
        services.AddHostedService<SchemaMigrationService>();
        return services;
    }

    /// <summary>Driver settings from the edge's options. The database is chosen per query, because it may not exist yet.</summary>
    public static ClickHouseClientSettings CreateSettings(ClickHouseOptions options)
    {
        var uri = new Uri(options.Url!);
        return new ClickHouseClientSettings
        {
            Host = uri.Host,
            Port = (ushort)uri.Port,
            Protocol = uri.Scheme,
            Path = uri.AbsolutePath == "/" ? null! : uri.AbsolutePath,
            Username = options.User,
            Password = options.Password,
            Database = options.Database,
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            UseCompression = options.Compression ?? !uri.IsLoopback,
            CustomSettings = new Dictionary<string, object>
            {
                // With FINAL, ClickHouse otherwise ignores a filter on a column outside the sorting key when it picks parts,
                // so a report or an export of the last 30 days read every month of the site. Merges never combine rows of two
                // partitions, and every version of a row shares its partition (a call's versions share started_at), so FINAL
                // within each partition is what the tables converge to anyway.
                ["do_not_merge_across_partitions_select_final"] = 1,
            },
        };
    }
}
