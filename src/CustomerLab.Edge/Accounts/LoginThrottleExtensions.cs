using System.Threading.RateLimiting;
using CustomerLab.Edge.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Accounts;

internal static class LoginThrottleExtensions
{
    /// <summary>The rate limiter policy of <c>POST /login</c>: <see cref="LoginOptions.AttemptsPerPrefix"/> per client network.</summary>
    public const string RateLimitPolicy = "login";

    public static IServiceCollection AddLoginThrottle(this IServiceCollection services)
    {
        services.AddOptions<LoginOptions>().BindConfiguration(LoginOptions.Section).ValidateOnStart()
            .Validate(o => o.AttemptsPerPrefix >= 1 && o.WindowSeconds is >= 1 and <= 86_400 && o.FreeFailures >= 0 &&
                           o.MaxDelaySeconds is >= 1 and <= 86_400 && o.MaxConcurrentHashes >= 1 && o.HashesPerSecond >= 1 && o.HashQueueMs is >= 0 and <= 60_000,
                "Login: AttemptsPerPrefix, WindowSeconds (1-86400), MaxDelaySeconds (1-86400), MaxConcurrentHashes and HashesPerSecond must be at least 1, FreeFailures at least 0, HashQueueMs 0-60000.");
        services.AddSingleton<LoginThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LoginOptions>>((limiter, login) =>
        {
            var o = login.Value;
            Func<string, FixedWindowRateLimiterOptions> window = _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = o.AttemptsPerPrefix,
                Window = TimeSpan.FromSeconds(o.WindowSeconds),
                QueueLimit = 0,
            };
            // Before the form is read and before any hashing: one network cannot make the edge hash for it.
            limiter.AddPolicy(RateLimitPolicy, context => ClientPrefix.Of(context) is { } prefix
                ? RateLimitPartition.GetFixedWindowLimiter("login:" + prefix, window)
                : RateLimitPartition.GetNoLimiter("login:no-peer"));
        });
        return services;
    }
}
