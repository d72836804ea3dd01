using CustomerLab.Edge.Hosting;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Redis;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// <c>users add NAME</c> (password from <c>CUSTOMERLAB_PASSWORD</c> or the first line of standard input) and
/// <c>users remove NAME</c>: report page users, without the web host. Uses the edge's Redis configuration.
/// </summary>
public static class AccountsCli
{
    public const string PasswordVariable = "CUSTOMERLAB_PASSWORD";

    public static bool IsCommand(string[] args) => args is ["users", ..];

    public static async Task<int> RunAsync(string[] args, TextReader? stdin = null, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdin ??= Console.In;
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var action = args.Length > 1 ? args[1] : "";
        var name = args.Length > 2 ? args[2] : "";
        if (action is not ("add" or "remove") || !AccountStore.IsValidName(name))
        {
            await stderr.WriteLineAsync("usage: users add|remove NAME [--Section:Key=value ...]  (NAME: 2-64 letters, digits, . _ - @; password from $" + PasswordVariable + " or stdin)");
            return 2;
        }
        var password = "";
        if (action == "add")
        {
            password = Environment.GetEnvironmentVariable(PasswordVariable) ?? await stdin.ReadLineAsync() ?? "";
            if (password.Length < AccountStore.MinPasswordLength)
            {
                await stderr.WriteLineAsync($"users: the password must be at least {AccountStore.MinPasswordLength} characters");
                return 2;
            }
        }

        var builder = WebApplication.CreateBuilder(EdgeHost.Arguments(args[3..]));
        builder.Logging.ClearProviders();
        // Talk to the running edge's embedded Garnet rather than start a second one over its data.
        RedisOptions.UseRunningEdgesServer(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRedisStore();
        // Users are of record: written to ClickHouse (secrets database) as well as Redis.
        builder.Services.AddClickHouseStore();
        builder.Services.AddConfigRecordStore();
        builder.Services.AddSingleton<AccountStore>();
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<AccountStore>();
        try
        {
            if (action == "add")
            {
                await store.SetAsync(name, password);
                await stdout.WriteLineAsync($"users: {name} can sign in at /login");
                return 0;
            }
            var removed = await store.RemoveAsync(name);
            await stdout.WriteLineAsync(removed ? $"users: {name} removed" : $"users: no user {name}");
            return removed ? 0 : 1;
        }
        catch (RecordUnavailableException ex)
        {
            await stderr.WriteLineAsync($"users: nothing changed: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
        catch (StackExchange.Redis.RedisException ex)
        {
            await stderr.WriteLineAsync($"users: Redis is unreachable: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
