namespace CustomerLab.Tests.Fixtures;

/// <summary>One shared <c>redis-server</c> for the whole run; tests keep apart by key prefix.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServerProcess Server { get; } = new();

    public ValueTask InitializeAsync() => new(Server.StartAsync());

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
