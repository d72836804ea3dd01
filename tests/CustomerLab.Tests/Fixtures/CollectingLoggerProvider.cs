using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CustomerLab.Tests.Fixtures;

/// <summary>Keeps the test edge's log lines (Information and up) so a failing test can show what the edge said.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    /// <summary>Most lines kept; older ones are dropped.</summary>
    private const int MaxLines = 5_000;

    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The last lines whose category or text contains <paramref name="filter"/>.</summary>
    public string Tail(string filter, int count = 10) =>
        string.Join(" | ", _lines.Where(l => l.Contains(filter, StringComparison.OrdinalIgnoreCase)).TakeLast(count));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner._lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            while (owner._lines.Count > MaxLines) owner._lines.TryDequeue(out _);
        }
    }
}
