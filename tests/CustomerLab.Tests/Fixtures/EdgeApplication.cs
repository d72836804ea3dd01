using CustomerLab.Edge;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

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

    /// <summary>The Redis the edge uses.</summary>
    public string RedisUrl { get; } = redisUrl;

    /// <summary>
    /// The edge's stores as command-line settings, for the CLIs (users, privacy) run against this edge, with the test
    /// edge's Redis timeout: the CLIs run inside the busy test host, where production's 1 s can pass without an answer.
    /// </summary>
    public string[] StoreArguments =>
        [$"--Redis:Url={RedisUrl}", $"--ClickHouse:Url={clickHouseUrl}", $"--ClickHouse:Database={Database}", $"--Redis:CommandTimeoutMs={RedisCommandTimeoutMs}"];

    /// <summary>How long a test edge (and a CLI run against it) waits for a Redis answer.</summary>
    private const string RedisCommandTimeoutMs = "5000";

    /// <summary>The admin API key the test edge accepts (its SHA-256 is what is configured).</summary>
    public const string AdminKey = "test-admin-key";

    /// <summary>Twilio auth token and generic webhook secret of the test edge.</summary>
    public const string TwilioAuthToken = "test-twilio-auth-token", WebhookSecret = "test-webhook-secret";

    /// <summary>This edge's own spool directory.</summary>
    public string SpoolPath { get; } = RepoPaths.NewTempDirectory("spool");

    /// <summary>The cookie signing key of the test edge.</summary>
    public const string CookieSigningKey = "test-signing-key-0123456789abcdefghijklmnop";

    /// <summary>
    /// Builds one test host at a time: the minimal-hosting resolver listens to process-wide host-building events,
    /// so two factories building at once can each catch the other's host (and dispose it).
    /// </summary>
    private static readonly Lock BuildLock = new();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (BuildLock) return base.CreateHost(builder);
    }

    /// <summary>The clock of every edge service (a fake one drives timers from the test); set before the server starts.</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>What the edge logged (Information and up).</summary>
    public CollectingLoggerProvider Logs { get; } = new();

    /// <summary>Services a test swaps in (a counted hasher, a fake clock), applied after the edge's own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The host environment; <c>Development</c> maps the development-only endpoints (the demo's test call).</summary>
    public string EnvironmentName { get; init; } = "Testing";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        if (TestServices is { } testServices) builder.ConfigureTestServices(testServices);
        // Only the collecting provider: the console loggers would write every test edge's log into the runner's output.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        if (Clock is { } clock) builder.ConfigureTestServices(services => services.AddSingleton(clock));
        // The enrichment data (uap-core's rules, crawler patterns, referrer hosts, GeoIP) is read-only: test edges with
        // the default Events settings share one copy instead of each parsing it again at start-up.
        if (extra?.Keys.Any(key => key.StartsWith("Events:", StringComparison.OrdinalIgnoreCase)) != true)
            builder.ConfigureTestServices(services => services.AddSingleton(SharedEnricher.Value));
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Redis:Url"] = RedisUrl,
                ["ClickHouse:Url"] = clickHouseUrl,
                ["ClickHouse:Database"] = Database,
                ["Cookies:SigningKey"] = CookieSigningKey,
                ["Cookies:Secure"] = "false",
                ["Admin:ApiKeySha256:0"] = TestSites.Sha256Hex(AdminKey),
                // Each test edge has its own spool: edges sharing one would ship each other's events.
                ["Delivery:SpoolPath"] = SpoolPath,
                ["Delivery:FlushIntervalMs"] = "200",
                // Tests share two noisy cores: a 40 ms Redis bound would turn slow moments into default numbers.
                // The fallback test still sees Redis fail fast once it is down.
                ["Numbers:RedisTimeoutMs"] = "2000",
                ["Redis:CommandTimeoutMs"] = RedisCommandTimeoutMs,
                ["Calls:TwilioAuthToken"] = TwilioAuthToken,
                ["Calls:WebhookSecret"] = WebhookSecret,
            };
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
            config.AddInMemoryCollection(settings);
        });
    }

    /// <summary>
    /// The readiness wait for an in-process edge: until its schema is migrated, awaited rather than polled (each look
    /// at <c>/readyz</c> costs the shared ClickHouse host a query, and a migration takes seconds on a loaded machine),
    /// then until <c>/readyz</c> answers 200 (<see cref="Poll.UntilReadyAsync"/>).
    /// </summary>
    public async Task WaitReadyAsync(HttpClient http, string what = "the edge")
    {
        var schema = Services.GetRequiredService<SchemaState>();
        try
        {
            await schema.WhenReady(TestContext.Current.CancellationToken).WaitAsync(Poll.ReadyTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Poll.ReadyTimeout.TotalSeconds} s waiting for {what}'s schema: {schema.LastError ?? "migrations pending"}.");
        }
        await Poll.UntilReadyAsync(http, what);
    }

    private static readonly Lazy<EventEnricher> SharedEnricher =
        new(() => new(Options.Create(new EventsOptions()), NullLogger<EventEnricher>.Instance));

    /// <summary>A database name unique to one test, from its name.</summary>
    public static string DatabaseFor(string testName) =>
        $"t_{new string(testName.Where(char.IsAsciiLetterOrDigit).Take(40).ToArray()).ToLowerInvariant()}_{Guid.NewGuid():N}";
}
