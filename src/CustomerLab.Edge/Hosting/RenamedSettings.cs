using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Hosting;

/// <summary>
/// Settings that moved to another section keep working under their old keys: the old value is used where the new
/// key is not set, and start-up logs one warning per old key found (event 1002, <c>RenamedSettingUsed</c>).
/// </summary>
internal static partial class RenamedSettings
{
    /// <summary>Reads <paramref name="keys"/> of <typeparamref name="T"/> from <paramref name="oldSection"/> too.</summary>
    public static OptionsBuilder<T> BindRenamed<T>(this OptionsBuilder<T> options, string oldSection, string newSection, params string[] keys)
        where T : class
    {
        var renamed = new Renamed(oldSection, newSection, keys);
        options.Services.AddSingleton(renamed);
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Warning>());
        return options.Configure<IConfiguration>((o, config) =>
        {
            var values = renamed.OldValuesInUse(config).ToDictionary(k => k.Key, k => k.Value);
            if (values.Count > 0) new ConfigurationBuilder().AddInMemoryCollection(values).Build().Bind(o);
        });
    }

    private sealed record Renamed(string OldSection, string NewSection, string[] Keys)
    {
        /// <summary>Each old key that is set while its new key is not: (key relative to the section, value).</summary>
        public IEnumerable<KeyValuePair<string, string?>> OldValuesInUse(IConfiguration config) =>
            from key in Keys
            let old = config.GetSection($"{OldSection}:{key}")
            where old.Value is not null && !config.GetSection($"{NewSection}:{key}").Exists()
            select KeyValuePair.Create(key, old.Value);
    }

    private sealed class Warning(IEnumerable<Renamed> renames, IConfiguration config, ILogger<Warning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var renamed in renames)
                foreach (var (key, _) in renamed.OldValuesInUse(config))
                    LogRenamed(logger, $"{renamed.OldSection}:{key}", $"{renamed.NewSection}:{key}");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(1002, LogLevel.Warning, "Setting {OldKey} is read for {NewKey}; rename it, the old name will go", EventName = "RenamedSettingUsed")]
    private static partial void LogRenamed(ILogger logger, string oldKey, string newKey);
}
