using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerLab.Edge.Accounts;

/// <summary>
/// What keeps <c>POST /login</c> from being a denial of service, beside the per-network rate limit (the "login" rate
/// limiter policy): a cap on password hashes started per second (<see cref="LoginOptions.HashesPerSecond"/>) and running at once (<see cref="LoginOptions.MaxConcurrentHashes"/>, waiting up
/// to <see cref="LoginOptions.HashQueueMs"/> for a slot), and a per-account slow-down that never locks the account.
///
/// Slow-down state per attempted name (known or not, so it tells nothing about which names exist), shared by every
/// edge: <c>cl:login:{name}</c>, a HASH <c>failures</c> → count, <c>last</c> → ms of the last failure; it expires a day
/// after the last failure and goes on a successful sign-in.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<LoginOptions> options, TimeProvider time)
{
    private static readonly TimeSpan StateLifetime = TimeSpan.FromDays(1);
    private readonly LoginOptions _options = options.Value;
    private readonly SemaphoreSlim _hashes = new(options.Value.MaxConcurrentHashes);
    private readonly TokenBucketRateLimiter _rate = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = options.Value.HashesPerSecond,
        TokensPerPeriod = options.Value.HashesPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 1_000, // sign-ins waiting for a token; more are refused at once
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
    private int _waiting;

    /// <summary>Sign-ins waiting for a hashing slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Runs <paramref name="hash"/> when a slot is free; false when none freed up within the queue bound.</summary>
    public async Task<(bool Ran, T Result)> RunHashAsync<T>(Func<Task<T>> hash, CancellationToken cancellationToken)
    {
        // First a token (at most HashesPerSecond start each second), then a slot (at most MaxConcurrentHashes at once).
        using var token = await AcquireTokenAsync(cancellationToken);
        if (!token.IsAcquired) return (false, default!);
        var entered = _hashes.Wait(0);
        if (!entered && _options.HashQueueMs > 0)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bound.CancelAfter(TimeSpan.FromMilliseconds(_options.HashQueueMs));
                entered = await _hashes.WaitAsync(Timeout.InfiniteTimeSpan, bound.Token).ContinueWith(
                    static t => t.IsCompletedSuccessfully && t.Result, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
        if (!entered) return (false, default!);
        try
        {
            return (true, await hash());
        }
        finally
        {
            _hashes.Release();
        }
    }

    private async Task<RateLimitLease> AcquireTokenAsync(CancellationToken cancellationToken)
    {
        if (_options.HashQueueMs == 0) return _rate.AttemptAcquire(1);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromMilliseconds(_options.HashQueueMs));
        try
        {
            return await _rate.AcquireAsync(1, bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NotAcquired.Instance;
        }
    }

    private sealed class NotAcquired : RateLimitLease
    {
        public static readonly NotAcquired Instance = new();
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private static RedisKey KeyFor(string name) => $"cl:login:{{{name}}}";

    /// <summary>How long the name must still wait before its next attempt is heard, or zero.</summary>
    public async Task<TimeSpan> WaitBeforeAttemptAsync(string name)
    {
        var values = await redis.GetDatabase().HashGetAsync(KeyFor(name), ["failures", "last"]);
        if (values[0].IsNull || values[1].IsNull) return TimeSpan.Zero;
        var over = (int)values[0] - _options.FreeFailures;
        if (over < 0) return TimeSpan.Zero;
        var delay = TimeSpan.FromSeconds(Math.Min(_options.MaxDelaySeconds, Math.Pow(2, Math.Min(over, 30))));
        var since = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds((long)values[1]);
        return since >= delay ? TimeSpan.Zero : delay - since;
    }

    public Task RecordFailureAsync(string name)
    {
        var tx = redis.GetDatabase().CreateTransaction();
        _ = tx.HashIncrementAsync(KeyFor(name), "failures");
        _ = tx.HashSetAsync(KeyFor(name), "last", time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        _ = tx.KeyExpireAsync(KeyFor(name), StateLifetime);
        return tx.ExecuteAsync();
    }

    public Task RecordSuccessAsync(string name) => redis.GetDatabase().KeyDeleteAsync(KeyFor(name));
}
