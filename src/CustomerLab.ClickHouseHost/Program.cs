using CustomerLab.ClickHouseHost;
using CustomerLab.ClickHouseHost.Chdb;
using CustomerLab.ClickHouseHost.Http;
using Microsoft.Extensions.Options;

// Content root is the app directory, so appsettings.json is found whatever the current directory is. Configuration is
// read once: a reloading source would watch the content root recursively (inotify), data directories included.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args], ContentRootPath = AppContext.BaseDirectory,
});

// Options: bound and validated before the engine boots, so bad settings fail fast.
builder.Services.AddOptions<ClickHouseHostOptions>().BindConfiguration(ClickHouseHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
var options = builder.Configuration.GetSection(ClickHouseHostOptions.Section).Get<ClickHouseHostOptions>() ?? new ClickHouseHostOptions();
var invalid = new ValidateClickHouseHostOptions().Validate(null, options);
if (invalid.Failed) return Fail(invalid.FailureMessage);

// Engine: loads libchdb.so and opens the connection pool; one clear line and exit 1 when it cannot.
var pool = EngineStartup.TryStart(options, out var engine, out var error);
if (pool is null) return Fail(error!);
builder.Services.AddSingleton(pool);
builder.Services.AddSingleton(engine!);
builder.Services.AddSingleton<QueryEndpoint>();

// Kestrel: ClickHouse's port on loopback unless --urls / ASPNETCORE_URLS say otherwise; body limit from options.
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(options.Urls.Split(';'));
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes);

var app = builder.Build();

// Endpoints: the HTTP interface, its health check, and the test-only signal self-check.
var endpoint = app.Services.GetRequiredService<QueryEndpoint>();
app.MapGet("/ping", QueryEndpoint.Ping);
app.MapMethods("/", ["GET", "POST"], endpoint.HandleAsync);
if (options.EnableSelfCheck) app.MapGet("/__selfcheck", (HttpContext c) => SelfCheckEndpoint.HandleAsync(c, pool));

// Shutdown: SIGTERM/SIGINT stop Kestrel, then the connections close (the last one flushes the engine).
app.Lifetime.ApplicationStopped.Register(pool.Dispose);
app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
    "ClickHouse host listening on {Urls}, data path {DataPath}, engine {Version} (libchdb {Library}), {PoolSize} connections",
    string.Join(", ", app.Urls), Path.GetFullPath(options.DataPath), engine!.Version, EngineStartup.DescribeLibrary(), options.PoolSize));

await app.RunAsync();
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("clickhouse-host: " + message);
    return 1;
}
