using System.Diagnostics;
using System.Net;
using System.Text;
using CsCheck;
using CustomerLab.Tests.Fixtures;
using CustomerLab.Tests.Numbers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Primitives;

namespace CustomerLab.Tests.Security;

/// <summary>
/// Property-based fuzzing: 10,000+ malformed requests (broken JSON, wrong types, huge fields, invalid UTF-8, header
/// injection, path tricks) at /v1/number, /v1/collect, /v1/calls, /v1/calls/twilio and the admin API. Every answer
/// must be below 500, a 4xx body must be problem+json, and afterwards the spool still takes and ships an event.
/// </summary>
[LongRunning]
public sealed class FuzzTests(SecurityEdgeFixture fixture) : IClassFixture<SecurityEdgeFixture>
{
    /// <summary>Requests thrown per run.</summary>
    private const int Iterations = 10_000;

    /// <summary>Checks every fuzzed answer: below 500, a 4xx with a body is problem+json, no header carries a line break.</summary>
    internal static void AssertAnswer(FuzzRequest request, int status, string? contentType, bool hasBody, string body, IEnumerable<string> headerValues)
    {
        Assert.True(status < 500, $"{status} for {request}");
        if (status >= 400 && hasBody)
            Assert.True(contentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true,
                $"{status} {contentType} for {request}: {body[..Math.Min(body.Length, 300)]}");
        foreach (var value in headerValues)
            Assert.DoesNotContain('\n', value);
    }

    /// <summary>After the fuzzing, the spool still takes an event and the shipper still delivers it to ClickHouse.</summary>
    internal static async Task AssertTheSpoolStillShipsAsync(EdgeClient client, ClickHouseHostFixture clickHouse, string database)
    {
        var site = TestSites.NewSiteKey();
        await client.CreateSiteAsync(site, NumbersEdgeFixture.Numbers(1));
        var marker = "https://www.example.com/after-fuzz-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendPageviewAsync(site, marker)).StatusCode);
        using var ch = clickHouse.CreateClient(database);
        await Poll.UntilAsync(async () => Convert.ToUInt64(await ch.ExecuteScalarAsync($"SELECT count() FROM pageviews WHERE url = '{marker}'", cancellationToken: Ct)) == 1,
            TimeSpan.FromSeconds(30), "the event sent after the fuzzing in ClickHouse");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record FuzzRequest(string Method, string Path, string? ContentType, byte[] Body, (string Name, string Value)[] Headers, bool AdminKey)
    {
        public override string ToString() =>
            $"{Method} {Path} [{ContentType}] key={AdminKey} headers={string.Join(",", Headers.Select(h => h.Name + "=" + Escape(h.Value)))} body({Body.Length})={Escape(Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(200, Body.Length))))}";

        private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
    }

    private static readonly string[] Paths =
    [
        "/v1/number", "/v1/collect", "/v1/calls", "/v1/calls/twilio", "/v1/calls/", "/v1//collect", "/v1/number/../collect",
        "/v1/%2e%2e/admin/sites", "/admin/sites", "/admin/sites/x", "/admin/sites/demo/pools/main", "/admin/sites/demo/pools/main/numbers",
        "/admin/sites/..%2f..%2fetc", "/admin/sites/%01%7f", "/admin/sites/a%0d%0aSet-Cookie:x=1", "/admin/sites/demo/pools/main/numbers/%2B1202555",
        "/admin/privacy/export", "/admin/privacy/delete", "/admin/sites/" + new string('a', 3000),
    ];

    /// <summary>Text, some of it long: up to <paramref name="longest"/> characters.</summary>
    private static Gen<string> TextUpTo(int longest) => Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char, 0, 40],
        Gen.OneOfConst("", "null", "[]", "{}", "\"", "{\"k\":", "[{", "{\"k\":\"demo\",\"u\":\"http://\u0000\"}", "\uD800", "%00", "../../", "\r\n\r\nX: y"),
        Gen.Int[1, longest].Select(n => new string('a', n)));

    private static readonly Gen<string> GenText = TextUpTo(200_000);

    private static Gen<string> JsonValueFrom(Gen<string> text) => Gen.OneOf(
        text.Select(s => System.Text.Json.JsonSerializer.Serialize(s)),
        Gen.Long.Select(l => l.ToString()),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1e999"),
        Gen.OneOfConst("true", "false", "null", "[]", "{}", "[1,\"a\",null]", "{\"$ref\":\"#\"}", "-0", "1e400", "\"\\ud800\""));

    private static readonly Gen<string> GenJsonValue = JsonValueFrom(GenText);

    // An array repeats its object up to 60 times: with values of up to 200,000 characters its bodies would reach 48 MB,
    // nearly all of it built only to be refused at the body limit. Its values stay under 4,000 characters, so an array
    // still reaches 960 KB, past every body limit, while one long value is the single object's case.
    private static readonly Gen<string> GenArrayJsonValue = JsonValueFrom(TextUpTo(4_000));

    private static readonly string[] Fields =
        ["k", "u", "r", "t", "n", "w", "visitorId", "phoneNumber", "callId", "from", "to", "status", "at", "durationSeconds", "domains", "targets", "defaultNumber", "holdMinutes", "numbers", "match"];

    /// <summary>Bodies: JSON objects with wrong types, arrays of them, broken text, raw (invalid UTF-8) bytes, forms.</summary>
    private static readonly Gen<byte[]> GenBody = Gen.OneOf(
        Gen.Select(Gen.OneOfConst(Fields).Array[0, 8], GenJsonValue.Array[8]).Select((names, values) =>
            Encoding.UTF8.GetBytes("{" + string.Join(",", names.Select((n, i) => $"\"{n}\":{values[i]}")) + "}")),
        Gen.Select(Gen.OneOfConst(Fields).Array[0, 4], GenArrayJsonValue.Array[4], Gen.Int[1, 60]).Select((names, values, count) =>
            Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("{" + string.Join(",", names.Select((n, i) => $"\"{n}\":{values[i]}")) + "}", count)) + "]")),
        GenText.Select(Encoding.UTF8.GetBytes),
        Gen.Byte.Array[0, 2048],
        Gen.Select(Gen.OneOfConst("CallSid", "From", "To", "CallStatus", "Direction", "x"), GenText).Array[0, 6]
            .Select(pairs => Encoding.UTF8.GetBytes(string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2[..Math.Min(p.Item2.Length, 500)]))))));

    private static readonly Gen<(string, string)> GenHeader = Gen.Select(
        Gen.OneOfConst("Origin", "Cookie", "X-Signature-256", "X-Twilio-Signature", "Sec-GPC", "DNT", "User-Agent", "X-Forwarded-For", "Referer", "Accept-Language", "X-Injected"),
        Gen.OneOf(GenText.Select(s => s[..Math.Min(s.Length, 8000)]),
            Gen.OneOfConst("https://evil.example\r\nSet-Cookie: a=b", "_clvid=..;_clsid=~~~", "_clvid=" + new string('A', 4000), "sha256=zz", "1", "\u0000", "null")));

    internal static readonly Gen<FuzzRequest> GenRequest = Gen.Select(
        Gen.Frequency((8, Gen.Const("POST")), (1, Gen.OneOfConst("GET", "PUT", "DELETE", "PATCH", "OPTIONS"))),
        Gen.OneOfConst(Paths),
        Gen.OneOfConst<string?>("text/plain", "application/json", "application/x-www-form-urlencoded", "text/plain; charset=utf-16", "multipart/form-data; boundary=x", "garbage/;;", null),
        GenBody,
        GenHeader.Array[0, 4],
        Gen.Bool).Select((m, p, c, b, h, k) => new FuzzRequest(m, p, c, b, h, k));

    [Fact]
    public async Task EveryMalformedRequestGetsA4xxProblem_AndTheSpoolStillWorks_IfThrown10000Times()
    {
        var sent = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();

        await GenRequest.SampleAsync(async request =>
        {
            var context = await SendAsync(request);
            Interlocked.Increment(ref sent);
            var status = context.Response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var body = await new StreamReader(context.Response.Body).ReadToEndAsync(Ct);
            AssertAnswer(request, status, context.Response.ContentType, body.Length > 0, body, context.Response.Headers.Select(h => h.Value.ToString()));
        }, iter: Iterations, threads: 4, print: r => r.ToString());

        TestContext.Current.TestOutputHelper!.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:F1} s; statuses: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(sent >= Iterations);

        using var client = new EdgeClient(fixture.Edge);
        await AssertTheSpoolStillShipsAsync(client, fixture.ClickHouse, fixture.Edge.Database);
    }

    private Task<HttpContext> SendAsync(FuzzRequest request) =>
        fixture.Edge.Server.SendAsync(context =>
        {
            context.Request.Method = request.Method;
            context.Request.Path = PathString.FromUriComponent(request.Path);
            if (request.ContentType is not null) context.Request.ContentType = request.ContentType;
            context.Request.Body = new MemoryStream(request.Body);
            context.Request.ContentLength = request.Body.Length;
            // No peer address, as in the test host: the per-IP limit stays out of the way; the per-site one still applies.
            foreach (var (name, value) in request.Headers)
                context.Request.Headers.Append(name, new StringValues(value));
            if (request.AdminKey) context.Request.Headers["X-Api-Key"] = EdgeApplication.AdminKey;
        }, Ct);
}
