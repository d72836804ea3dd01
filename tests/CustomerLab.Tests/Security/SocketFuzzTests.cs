using System.Net;
using System.Net.Sockets;
using System.Text;
using CsCheck;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Security;

/// <summary>The security edge listening on a real loopback socket (Kestrel), for requests an HTTP client would refuse to send.</summary>
public sealed class SocketEdgeFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : GarnetEdgeFixture(garnet, clickHouse)
{
    public int Port { get; } = FreePort.Next();

    protected override string DatabaseName => "socketfuzz";

    // Every request comes from 127.0.0.1: the per-address limit would answer most of them 429 and test nothing else.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Security:PermitsPerIp"] = "1000000",
        ["Security:PermitsPerSite"] = "1000000",
    };

    public HttpClient Http { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Edge.UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        Edge.StartServer();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        await Poll.UntilReadyAsync(Http, "the socket fuzz edge");
    }

    public override async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>
/// The fuzz test's requests written byte for byte to Kestrel's socket: header values with raw line breaks, control
/// characters and non-ASCII bytes, bodies shorter or longer than their Content-Length's promise. Kestrel's own parser
/// answers some (400, 413, 431: empty bodies, which the check allows); everything the edge answers must be below 500 and
/// problem+json when it has a body, and the spool still ships afterwards.
/// </summary>
public sealed class SocketFuzzTests(SocketEdgeFixture fixture) : IClassFixture<SocketEdgeFixture>
{
    private const int Iterations = 3_000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMalformedRequestOverASocket_GetsBelow500_AndAProblemBody_AndTheSpoolStillWorks()
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        await FuzzTests.GenRequest.SampleAsync(async request =>
        {
            var (status, headers, body) = await SendRawAsync(request);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            headers.TryGetValue("content-type", out var contentType);
            var hasBody = headers.TryGetValue("content-length", out var length) ? length != "0"
                : headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked") && !body.StartsWith("0\r\n", StringComparison.Ordinal);
            FuzzTests.AssertAnswer(request, status, contentType, hasBody, body, headers.Values);
        }, iter: Iterations, threads: 4, print: r => r.ToString());

        TestContext.Current.TestOutputHelper!.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.Equal(Iterations, statuses.Values.Sum());
        Assert.Contains(statuses.Keys, s => s == 400);

        using var client = new EdgeClient(fixture.Http);
        await FuzzTests.AssertTheSpoolStillShipsAsync(client, fixture.ClickHouse, fixture.Edge.Database);
    }

    [Theory]
    [InlineData("http://ex\u00e4mple.com")]
    [InlineData("\ufffd")]
    public async Task APreflightWithANonAsciiOrigin_Is204WithoutCors_Not500(string origin)
    {
        var (status, headers, _) = await SendRawAsync(new FuzzTests.FuzzRequest("OPTIONS", "/v1/collect", "application/json", [], [("Origin", origin)], false));
        Assert.Equal(204, status);
        Assert.False(headers.ContainsKey("access-control-allow-origin"));
    }

    /// <summary>Writes the request as raw HTTP/1.1 (Connection: close) and reads the whole answer.</summary>
    private async Task<(int Status, Dictionary<string, string> Headers, string Body)> SendRawAsync(FuzzTests.FuzzRequest request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Port, Ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.Path).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1:").Append(fixture.Port).Append("\r\nConnection: close\r\n")
            .Append("Content-Length: ").Append(request.Body.Length).Append("\r\n");
        if (request.ContentType is not null) head.Append("Content-Type: ").Append(request.ContentType).Append("\r\n");
        foreach (var (name, value) in request.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (request.AdminKey) head.Append("X-Api-Key: ").Append(EdgeApplication.AdminKey).Append("\r\n");
        head.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), Ct);
            await stream.WriteAsync(request.Body, Ct);
        }
        catch (IOException)
        {
            // Kestrel may answer and close before it has read a body it refuses (413): the answer is still there to read.
        }
        // No half-close: Kestrel takes the end of the client's stream as the client going away and abandons the answer.
        var answer = new MemoryStream();
        try { await stream.CopyToAsync(answer, Ct); }
        catch (IOException) { } // a reset after the answer was sent
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete answer for {request}: '{text[..Math.Min(text.Length, 200)]}'");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].ToLowerInvariant();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + "," + line[(colon + 1)..].Trim() : line[(colon + 1)..].Trim();
        }
        return (status, headers, text[(end + 4)..]);
    }
}
