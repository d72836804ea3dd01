using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Hosting;

/// <summary>
/// Runs the edge so that a start-up failure is one clear line on stderr and a non-zero exit code,
/// not a stack trace: options are validated and the <see cref="IStartBeforeHost"/> steps (the embedded store) run before the host starts.
/// </summary>
internal static class EdgeHost
{
    /// <summary>Exit code for a configuration or start-up error (sysexits EX_CONFIG).</summary>
    public const int StartupFailedExitCode = 78;

    /// <summary>
    /// The command line for <c>WebApplication.CreateBuilder</c>: configuration is read once, at start, where the options
    /// are validated (nothing reloads them). A source that reloads on change watches the content root and everything
    /// under it (inotify), so a spool or Garnet directory there would wake that watcher on every write (what it cost is in
    /// loadtest/README.md).
    /// </summary>
    public static string[] Arguments(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args];

    /// <summary>
    /// Process-wide switches, set before anything is registered. <c>SuppressAutoDefaultScheme</c>: the report pages'
    /// sign-in cookie is the only authentication scheme but must not become the default one, or the authentication
    /// middleware would run its handler on every request (see Accounts/AccountsServiceCollectionExtensions.cs).
    /// </summary>
    public static void SetProcessSwitches() =>
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);

    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            foreach (var step in app.Services.GetServices<IStartBeforeHost>()) step.Start();
            await app.StartAsync();
        }
        catch (Exception ex) when (IsStartupError(ex))
        {
            Console.Error.WriteLine($"customerlab-edge: cannot start: {OneLine(ex)}");
            await app.DisposeAsync();
            return StartupFailedExitCode;
        }

        foreach (var url in app.Urls)
            app.Logger.LogInformation("CustomerLab edge listening on {Url}", url);
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static bool IsStartupError(Exception ex) => ex is AggregateException a
        ? a.InnerExceptions.All(IsStartupError)
        : ex is OptionsValidationException or StartupException or IOException;

    private static string OneLine(Exception ex)
    {
        var message = ex switch
        {
            AggregateException a => string.Join(" ", a.InnerExceptions.Select(OneLine)),
            OptionsValidationException o => string.Join(" ", o.Failures),
            _ => ex.Message,
        };
        return message.ReplaceLineEndings(" ");
    }
}

/// <summary>A start-up failure whose message is meant for the operator as it stands.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
