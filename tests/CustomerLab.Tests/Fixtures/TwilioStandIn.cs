using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CustomerLab.Tests.Fixtures;

/// <summary>
/// A local HTTP stand-in for Twilio's REST API (which cannot be reached here), on loopback at a free port: it serves a
/// recording's audio (<c>GET …/Recordings/RE….mp3</c>), answers <c>DELETE …/Recordings/RE….json</c> with 204, records
/// every request it receives (method, path, Basic credentials), and fails the next N requests on demand.
/// </summary>
public sealed class TwilioStandIn : IAsyncDisposable
{
    /// <summary>One request as the stand-in received it.</summary>
    public sealed record Received(string Method, string Path, string Authorization, int AnsweredStatus);

    private WebApplication? _app;
    private int _failNext;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The audio bytes every recording has.</summary>
    public static readonly byte[] Audio = [0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    /// <summary>The next <paramref name="count"/> requests are answered 500.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failNext, count);

    public IEnumerable<Received> Deletes(string recordingSid) =>
        Requests.Where(r => r.Method == "DELETE" && r.Path.Contains($"/Recordings/{recordingSid}", StringComparison.Ordinal));

    public async Task StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            var status = Interlocked.Decrement(ref _failNext) >= 0 ? StatusCodes.Status500InternalServerError : Answer(context.Request);
            Requests.Enqueue(new Received(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Headers.Authorization.ToString(), status));
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status200OK)
            {
                context.Response.ContentType = "audio/mpeg";
                await context.Response.Body.WriteAsync(Audio);
            }
            else if (status >= 400)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"code":20500,"message":"stand-in answered {{status}}","status":{{status}}}""");
            }
        });
        await _app.StartAsync();
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    private static int Answer(HttpRequest request) => (request.Method, request.Path.Value ?? "") switch
    {
        ("GET", var path) when path.EndsWith(".mp3", StringComparison.Ordinal) && path.Contains("/Recordings/RE", StringComparison.Ordinal) => StatusCodes.Status200OK,
        ("DELETE", var path) when path.Contains("/Recordings/RE", StringComparison.Ordinal) => StatusCodes.Status204NoContent,
        _ => StatusCodes.Status404NotFound,
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
