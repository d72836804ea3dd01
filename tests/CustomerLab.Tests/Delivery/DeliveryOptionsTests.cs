using CustomerLab.Edge.Delivery;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerLab.Tests.Delivery;

/// <summary>The delivery settings moved from <c>Events</c> to <c>Delivery</c>; the old keys still work, with a warning.</summary>
public sealed class DeliveryOptionsTests
{
    private static (DeliveryOptions Options, CollectingLoggerProvider Logs) Start(Dictionary<string, string?> settings)
    {
        var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging(l => l.AddProvider(logs))
            .AddMetrics()
            .AddDelivery();
        using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>()) hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (provider.GetRequiredService<IOptions<DeliveryOptions>>().Value, logs);
    }

    [Fact]
    public void OldEventsKeys_AreRead_WithAWarningEach_IfTheDeliveryKeysAreAbsent()
    {
        var (options, logs) = Start(new() { ["Events:SpoolPath"] = "/tmp/old-spool", ["Events:FlushIntervalMs"] = "250" });

        Assert.Equal("/tmp/old-spool", options.SpoolPath);
        Assert.Equal(250, options.FlushIntervalMs);
        Assert.Contains(logs.Lines, l => l.Contains("Events:SpoolPath") && l.Contains("Delivery:SpoolPath"));
        Assert.Contains(logs.Lines, l => l.Contains("Events:FlushIntervalMs") && l.Contains("Delivery:FlushIntervalMs"));
    }

    [Fact]
    public void DeliveryKeys_Win_AndNoWarning_IfBothAreSet()
    {
        var (options, logs) = Start(new() { ["Events:SpoolPath"] = "/tmp/old-spool", ["Delivery:SpoolPath"] = "/tmp/new-spool" });

        Assert.Equal("/tmp/new-spool", options.SpoolPath);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Events:SpoolPath"));
    }

    [Fact]
    public void BadDeliveryValue_FailsValidation_NamingTheKey()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Start(new() { ["Delivery:SegmentBytes"] = "0" }));
        var message = string.Join(" ", failure.Failures);
        Assert.Contains("SegmentBytes", message);
        Assert.Contains("must be between 1 and", message);
    }
}
