using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Redis;

internal static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Redis connection (an <see cref="IConnectionMultiplexer"/> singleton) and, when no
    /// URL is configured, the embedded Garnet server it connects to.
    /// </summary>
    public static IServiceCollection AddRedisStore(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddSingleton<EmbeddedGarnet>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IStartBeforeHost, EmbeddedGarnet.StartWhenEmbedded>());
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            ConfigurationOptions config;
            if (options.UsesEmbeddedServer)
            {
                var garnet = sp.GetRequiredService<EmbeddedGarnet>();
                garnet.Start();
                config = ConfigurationOptions.Parse(garnet.Endpoint);
            }
            else
            {
                RedisUrl.TryParse(options.Url!, out config, out _);
            }
            // Never fail start-up or a request because Redis is down: the multiplexer keeps reconnecting
            // in the background and callers see fast, catchable errors meanwhile.
            config.AbortOnConnectFail = false;
            // While disconnected, fail commands at once instead of queueing them until reconnect: callers answer
            // with a fallback (the default number) rather than wait.
            config.BacklogPolicy = BacklogPolicy.FailFast;
            config.ConnectTimeout = options.ConnectTimeoutMs;
            config.SyncTimeout = options.CommandTimeoutMs;
            config.AsyncTimeout = options.CommandTimeoutMs;
            config.ClientName = "customerlab-edge";
            // Replies complete on the .NET thread pool rather than on the library's own dedicated threads: one thread
            // hop fewer per command, which on a small machine shortens the tail of /v1/number (loadtest/README.md).
            config.SocketManager = SocketManager.ThreadPool;
            return ConnectionMultiplexer.Connect(config);
        });
        return services;
    }
}
