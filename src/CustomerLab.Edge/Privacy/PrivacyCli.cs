using CustomerLab.Edge.Sites;
using System.Text.Json;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.ClickHouse.Migrations;
using CustomerLab.Edge.Hosting;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Redis;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Privacy;

/// <summary>
/// <c>dotnet CustomerLab.Edge.dll privacy export|delete --visitor ID | --phone NUMBER [--Section:Key=value…]</c>:
/// the same requests as <c>/admin/privacy/*</c>, with the edge's configuration, without starting the web host.
/// The export (or the deletion's counts) is JSON on stdout; logs and errors go to stderr.
/// Exit codes: 0 done, 1 failed (a store did not answer), 2 usage.
/// </summary>
public static class PrivacyCli
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>True when the command line asks for the privacy command rather than the web host.</summary>
    public static bool IsCommand(string[] args) => args is ["privacy", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (!TryParse(args, out var action, out var visitor, out var phone, out var rest))
        {
            await stderr.WriteLineAsync("usage: privacy export|delete --visitor ID | --phone NUMBER [--Section:Key=value ...]");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(EdgeHost.Arguments(rest));
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        // Never start a second embedded Garnet over the edge's data: talk to the running edge's one instead.
        RedisOptions.UseRunningEdgesServer(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRedisStore();
        builder.Services.AddClickHouseStore();
        builder.Services.AddSites();
        builder.Services.AddNumberPools();
        builder.Services.AddConfigRecordStore();
        builder.Services.AddPrivacyRequests();
        await using var app = builder.Build();

        var region = app.Services.GetRequiredService<IOptions<PrivacyOptions>>().Value.DefaultRegion;
        if (PrivacySubject.TryCreate(visitor, phone, region, out var field, out var error) is not { } subject)
        {
            await stderr.WriteLineAsync($"privacy: {(field == "body" ? "" : field + ": ")}{error}");
            return 2;
        }
        try
        {
            // The audit table must exist (a CLI run may come before any edge migrated this database).
            await app.Services.GetRequiredService<ClickHouseMigrator>().MigrateAsync(CancellationToken.None);
            var requests = app.Services.GetRequiredService<PrivacyRequests>();
            var caller = "cli:" + Environment.UserName;
            var outcome = action == "delete"
                ? await requests.DeleteAsync(subject, caller, CancellationToken.None)
                : await requests.ExportAsync(subject, caller, CancellationToken.None);
            await stdout.WriteLineAsync(JsonSerializer.Serialize(outcome, Json));
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await stderr.WriteLineAsync($"privacy: {action} failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static bool TryParse(string[] args, out string action, out string? visitor, out string? phone, out string[] rest)
    {
        action = args.Length > 1 ? args[1] : "";
        visitor = phone = null;
        var others = new List<string>();
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--visitor" when i + 1 < args.Length: visitor = args[++i]; break;
                case "--phone" when i + 1 < args.Length: phone = args[++i]; break;
                default: others.Add(args[i]); break;
            }
        }
        rest = [.. others];
        return action is "export" or "delete" && (visitor is null != (phone is null));
    }
}
