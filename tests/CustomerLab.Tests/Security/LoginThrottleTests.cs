using System.Net;
using CustomerLab.Edge.Accounts;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerLab.Tests.Security;

/// <summary>
/// <c>POST /login</c> is no denial of service (issue 14 finding 4): at most N password hashes at once, a per-network
/// attempt limit, a per-account slow-down without lockout, and a store error as a 503 problem without exception text.
/// </summary>
public sealed class LoginThrottleTests(GarnetFixture garnet, ClickHouseHostFixture clickHouse)
{
    private const string Password = "a long enough password";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoMoreThanTheCapOfHashesRunAtOnce_IfSignInsFlood()
    {
        const int cap = 2, flood = 20;
        var hasher = new GatedHasher();
        await using var edge = Edge(nameof(NoMoreThanTheCapOfHashesRunAtOnce_IfSignInsFlood),
            new() { ["Login:MaxConcurrentHashes"] = cap.ToString(), ["Login:HashQueueMs"] = "0", ["Login:HashesPerSecond"] = "1000" },
            s => s.AddSingleton<IPasswordHasher<string>>(hasher));
        using var http = edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // Every hash blocks until the test lets go, so the number running at once is what the edge allows, not luck.
        var attempts = Enumerable.Range(0, flood).Select(i => PostLoginAsync(http, $"flood{i}-{Guid.NewGuid():N}"[..20], "wrong password")).ToList();
        await Poll.UntilAsync(() => Task.FromResult(attempts.Count(a => a.IsCompleted) == flood - cap && hasher.Running == cap),
            TimeSpan.FromSeconds(30), $"{flood - cap} sign-ins refused and {cap} hashing");
        var refused = attempts.Where(a => a.IsCompleted).Select(a => a.Result).ToList();
        hasher.Open();
        var rest = await Task.WhenAll(attempts);

        Assert.Equal(cap, hasher.MostAtOnce);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.All(refused, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter is not null));
        Assert.Equal(cap, rest.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task AccountIsSlowedDownButNeverLocked_IfFailuresRepeat()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var hasher = new GatedHasher();
        hasher.Open();
        await using var edge = Edge(nameof(AccountIsSlowedDownButNeverLocked_IfFailuresRepeat), new() { ["Login:FreeFailures"] = "3" },
            s => s.AddSingleton<TimeProvider>(time).AddSingleton<IPasswordHasher<string>>(hasher));
        using var http = edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var name = "slow" + Guid.NewGuid().ToString("N")[..10];
        await edge.Services.GetRequiredService<AccountStore>().SetAsync(name, Password);

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) failures.Add((await PostLoginAsync(http, name, "wrong password")).StatusCode);
        var hashesBefore = hasher.Calls;
        var tooSoon = await PostLoginAsync(http, name, Password);
        var hashedTooSoon = hasher.Calls - hashesBefore;
        time.Advance(TimeSpan.FromSeconds(1));
        var afterTheWait = await PostLoginAsync(http, name, Password);

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode);
        Assert.Equal("application/problem+json", tooSoon.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), tooSoon.Headers.RetryAfter?.Delta);
        Assert.Equal(0, hashedTooSoon);
        // Not locked: the right password works once the wait is over.
        Assert.Equal(HttpStatusCode.Redirect, afterTheWait.StatusCode);
    }

    [Fact]
    public async Task OneNetworkGets429_IfItExceedsItsAttempts_WhileAnotherNetworkIsServed()
    {
        await using var edge = Edge(nameof(OneNetworkGets429_IfItExceedsItsAttempts_WhileAnotherNetworkIsServed), new() { ["Login:AttemptsPerPrefix"] = "3" },
            s => s.AddSingleton<IStartupFilter, TestPeerAddress>());
        using var http = edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        async Task<HttpStatusCode> From(string peer) => (await PostLoginAsync(http, "n" + Guid.NewGuid().ToString("N")[..10], "wrong password", peer)).StatusCode;
        var sameV4 = new[] { await From("203.0.113.5"), await From("203.0.113.6"), await From("203.0.113.200"), await From("203.0.113.77") };
        var otherV4 = await From("198.51.100.1");
        var sameV6 = new[] { await From("2001:db8:1:2::1"), await From("2001:db8:1:2:aaaa::9"), await From("2001:db8:1:2:ffff:1:2:3"), await From("2001:db8:1:2::42") };
        var otherV6 = await From("2001:db8:1:3::1");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], sameV4);
        Assert.Equal(HttpStatusCode.Unauthorized, otherV4);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], sameV6);
        Assert.Equal(HttpStatusCode.Unauthorized, otherV6);
    }

    [Fact]
    public async Task StoreErrorIs503ProblemWithoutExceptionText_IfRedisIsDown()
    {
        await using var redis = new RedisServerProcess();
        await redis.StartAsync();
        await using var edge = new EdgeApplication(redis.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(nameof(StoreErrorIs503ProblemWithoutExceptionText_IfRedisIsDown)));
        using var http = edge.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await edge.Services.GetRequiredService<AccountStore>().SetAsync("someone", Password);

        await redis.StopAsync();
        var response = await PostLoginAsync(http, "someone", Password);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("Redis", body);
    }

    /// <summary>An edge of its own on the shared Garnet, with settings and swapped services.</summary>
    private EdgeApplication Edge(string test, Dictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor(test), settings) { TestServices = services };

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string name, string password, string? peer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent([new("name", name), new("password", password), new("returnUrl", "/report")]),
        };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (peer is not null) request.Headers.Add(TestPeerAddress.Header, peer);
        return await http.SendAsync(request, Ct);
    }

    /// <summary>Identity's real hasher, counted, and held at a gate the test opens.</summary>
    private sealed class GatedHasher : IPasswordHasher<string>
    {
        private readonly PasswordHasher<string> _real = new();
        private readonly ManualResetEventSlim _gate = new(false);
        private int _running, _mostAtOnce, _calls;

        public int Running => Volatile.Read(ref _running);
        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);
        public int Calls => Volatile.Read(ref _calls);

        public void Open() => _gate.Set();

        public string HashPassword(string user, string password) => _real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(string user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _running);
            int seen;
            while ((seen = Volatile.Read(ref _mostAtOnce)) < now && Interlocked.CompareExchange(ref _mostAtOnce, now, seen) != seen) { }
            try
            {
                _gate.Wait(TimeSpan.FromSeconds(60));
                return _real.VerifyHashedPassword(user, hashedPassword, providedPassword);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}

/// <summary>
/// The in-process test host has no network peer: this gives a request the peer address named in a test header, as a
/// real socket (or forwarded headers behind a proxy) would.
/// </summary>
public sealed class TestPeerAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, Func<Task> nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var peer)) context.Connection.RemoteIpAddress = peer;
            await nextMiddleware();
        });
        next(app);
    };
}
