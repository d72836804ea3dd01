using CustomerLab.Edge.Hosting;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Redis;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// Report users, without the web host, on the edge's Redis configuration:
/// <c>users add NAME [--role admin|analyst] --sites KEYS</c> (password from <c>CUSTOMERLAB_PASSWORD</c> or the first
/// line of standard input; an admin needs no <c>--sites</c>), <c>users sites NAME KEYS</c>, <c>users role NAME ROLE</c>,
/// <c>users remove NAME</c> and <c>users list</c>. KEYS is site keys separated by commas, or <c>*</c> for every site.
/// The role is <see cref="UserRole"/>: analyst when not given.
/// </summary>
public static class AccountsCli
{
    public const string PasswordVariable = "CUSTOMERLAB_PASSWORD";

    private const string Usage =
        "usage: users add NAME [--role admin|analyst] --sites KEYS | users sites NAME KEYS | users role NAME admin|analyst | users remove NAME | users list  [--Section:Key=value ...]\n" +
        "  NAME: 2-64 letters, digits, . _ - @; KEYS: site keys separated by commas, or * for every site (an admin reads every site without --sites);\n" +
        "  the role is analyst unless given; password from $" + PasswordVariable + " or stdin";

    public static bool IsCommand(string[] args) => args is ["users", ..];

    public static async Task<int> RunAsync(string[] args, TextReader? stdin = null, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdin ??= Console.In;
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var (words, sitesArgument, roleArgument, configuration) = Split(args[1..]);
        var action = words.ElementAtOrDefault(0) ?? "";
        var name = words.ElementAtOrDefault(1) ?? "";
        if (action == "sites") sitesArgument ??= words.ElementAtOrDefault(2);
        if (action == "role") roleArgument ??= words.ElementAtOrDefault(2);
        UserRole? role = roleArgument is null ? null : UserRoles.FromArgument(roleArgument);
        if (roleArgument is not null && role is null)
        {
            await stderr.WriteLineAsync($"users: --role: '{roleArgument}' is not a role (admin or analyst)");
            return 2;
        }
        var wellFormed = action switch
        {
            "add" => words.Count == 2 && (sitesArgument is not null || role == UserRole.Admin),
            "sites" => words.Count == 3 && roleArgument is null,
            "role" => words.Count == 3 && sitesArgument is null,
            "remove" => words.Count == 2 && sitesArgument is null && roleArgument is null,
            "list" => words.Count == 1 && sitesArgument is null && roleArgument is null,
            _ => false,
        };
        if (!wellFormed || (action != "list" && !AccountStore.IsValidName(name)))
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        SiteAccess? sites = null;
        if (sitesArgument is not null)
        {
            sites = SiteAccess.FromArgument(sitesArgument, out var error);
            if (sites is null)
            {
                await stderr.WriteLineAsync("users: " + error);
                return 2;
            }
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

        var builder = WebApplication.CreateBuilder(EdgeHost.Arguments([.. configuration]));
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
            switch (action)
            {
                case "add":
                    await store.SetAsync(name, password);
                    await store.SetRoleAsync(name, role ?? UserRole.Analyst);
                    await store.SetSitesAsync(name, sites ?? SiteAccess.None);
                    await stdout.WriteLineAsync((role ?? UserRole.Analyst) == UserRole.Admin
                        ? $"users: {name} can sign in at /login as an admin (every site, sites and users)"
                        : $"users: {name} can sign in at /login and read {Describe(sites!)}");
                    return 0;
                case "role":
                    if (await store.FindHashAsync(name) is null)
                    {
                        await stdout.WriteLineAsync($"users: no user {name}");
                        return 1;
                    }
                    await store.SetRoleAsync(name, role!.Value);
                    await stdout.WriteLineAsync($"users: {name} is now an {role.Value.Name()}");
                    return 0;
                case "sites":
                    if (await store.FindHashAsync(name) is null)
                    {
                        await stdout.WriteLineAsync($"users: no user {name}");
                        return 1;
                    }
                    await store.SetSitesAsync(name, sites!);
                    await stdout.WriteLineAsync($"users: {name} can read {Describe(sites!)}");
                    return 0;
                case "remove":
                    var removed = await store.RemoveAsync(name);
                    await stdout.WriteLineAsync(removed ? $"users: {name} removed" : $"users: no user {name}");
                    return removed ? 0 : 1;
                default:
                    foreach (var (user, access) in await store.ListAccessAsync())
                        await stdout.WriteLineAsync(
                            $"{user}\t{(access.Sites.Every || access.Sites.Sites.Count > 0 ? access.Sites.ToString() : "(no site)")}\t{access.Role.Name()}");
                    return 0;
            }
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

    private static string Describe(SiteAccess sites) => sites.Every ? "every site" : "sites " + sites;

    /// <summary>Positional words, the values of <c>--sites</c> and <c>--role</c> (as <c>--sites KEYS</c> or
    /// <c>--sites=KEYS</c>), and the configuration overrides (<c>--Section:Key=value</c>) for the host.</summary>
    private static (List<string> Words, string? Sites, string? Role, List<string> Configuration) Split(string[] args)
    {
        var words = new List<string>();
        var configuration = new List<string>();
        string? sites = null, role = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sites" && i + 1 < args.Length) sites = args[++i];
            else if (args[i].StartsWith("--sites=", StringComparison.Ordinal)) sites = args[i]["--sites=".Length..];
            else if (args[i] == "--role" && i + 1 < args.Length) role = args[++i];
            else if (args[i].StartsWith("--role=", StringComparison.Ordinal)) role = args[i]["--role=".Length..];
            else if (args[i].StartsWith("--", StringComparison.Ordinal)) configuration.Add(args[i]);
            else words.Add(args[i]);
        }
        return (words, sites, role, configuration);
    }
}
