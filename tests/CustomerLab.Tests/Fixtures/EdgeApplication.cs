using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using CustomerLab.Edge;
using Microsoft.Extensions.Configuration;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// The real edge (its Program, services and middleware) in the test host, pointed at real servers:
/// a Redis URL (redis-server or Garnet started by a fixture) and the local ClickHouse host, in a
/// database of its own so tests running in parallel never share tables.
/// </summary>
public sealed class EdgeApplication(string redisUrl, string clickHouseUrl, string database, IDictionary<string, string?>? extra = null)
    : WebApplicationFactory<EdgeEntryPoint>
{
    public string Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Redis:Url"] = redisUrl,
                ["ClickHouse:Url"] = clickHouseUrl,
                ["ClickHouse:Database"] = Database,
            };
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
            config.AddInMemoryCollection(settings);
        });
    }

    /// <summary>A database name unique to one test, from its name.</summary>
    public static string DatabaseFor(string testName) =>
        $"t_{new string(testName.Where(char.IsAsciiLetterOrDigit).Take(40).ToArray()).ToLowerInvariant()}_{Guid.NewGuid():N}";
}
