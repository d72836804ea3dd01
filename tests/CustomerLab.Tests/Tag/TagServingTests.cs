using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.Tag;

/// <summary>One test edge (test host) serving the built tag, shared by the serving tests.</summary>
public sealed class TagServingFixture(GarnetFixture garnet, ClickHouseHostFixture clickHouse) : IAsyncLifetime
{
    public EdgeApplication Edge { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await TagBuild.EnsureBuiltAsync();
        Edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("tagserving"),
            new Dictionary<string, string?> { ["Tag:Path"] = TagBuild.BuiltFile });
        _ = Edge.Server;
    }

    public ValueTask DisposeAsync() => Edge.DisposeAsync();
}

/// <summary>How the edge serves the tag: URLs, caching headers, ETags, compression, and a missing build.</summary>
public sealed class TagServingTests(TagServingFixture fixture, GarnetFixture garnet, ClickHouseHostFixture clickHouse) : IClassFixture<TagServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Version => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(TagBuild.BuiltFile)))[..12];

    [Fact]
    public async Task ShortUrl_ServesTheBuiltTag_WithShortCacheAndETag()
    {
        using var client = fixture.Edge.CreateClient();
        var response = await client.GetAsync("/cl.js", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(TagBuild.BuiltFile, Ct), await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.CacheControl!.MaxAge);
        Assert.True(response.Headers.CacheControl.Public);
        Assert.Equal($"\"{Version}\"", response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task VersionedUrl_IsCachedForAYearAndImmutable_AndAnswers304ToItsETag()
    {
        using var client = fixture.Edge.CreateClient();
        var response = await client.GetAsync($"/t/{Version}/cl.js", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl!.MaxAge);
        Assert.Contains(response.Headers.CacheControl.Extensions, e => e.Name == "immutable");
        var etag = response.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/t/{Version}/cl.js");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task OldVersionUrl_RedirectsToTheCurrentVersion_NeverServesOtherBytes()
    {
        using var client = fixture.Edge.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.GetAsync("/t/000000000000/cl.js", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/t/{Version}/cl.js", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Extension_IsServedAtTheVersionedUrlTheTagNames_AndAtItsShortUrl()
    {
        using var client = fixture.Edge.CreateClient(new() { AllowAutoRedirect = false });
        var more = await File.ReadAllBytesAsync(TagBuild.MoreFile, Ct);
        var version = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(more))[..12];
        // The tag loads its extension by this content-addressed URL, so a tag and its extension always match.
        Assert.Contains($"/t/{version}/cl-more.js", await File.ReadAllTextAsync(TagBuild.BuiltFile, Ct));

        var versioned = await client.GetAsync($"/t/{version}/cl-more.js", Ct);
        Assert.Equal(HttpStatusCode.OK, versioned.StatusCode);
        Assert.Equal(more, await versioned.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("text/javascript", versioned.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), versioned.Headers.CacheControl!.MaxAge);
        Assert.Contains(versioned.Headers.CacheControl.Extensions, e => e.Name == "immutable");
        Assert.Equal($"\"{version}\"", versioned.Headers.ETag!.Tag);

        var current = await client.GetAsync("/cl-more.js", Ct);
        Assert.Equal(TimeSpan.FromSeconds(300), current.Headers.CacheControl!.MaxAge);
        Assert.Equal(more, await current.Content.ReadAsByteArrayAsync(Ct));

        var old = await client.GetAsync("/t/000000000000/cl-more.js", Ct);
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.Equal($"/t/{version}/cl-more.js", old.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Tag_IsServedGzipOrBrotli_IfTheBrowserAcceptsIt_WithOneETagPerEncoding()
    {
        using var client = fixture.Edge.CreateClient();
        var raw = await File.ReadAllBytesAsync(TagBuild.BuiltFile, Ct);
        foreach (var encoding in new[] { "gzip", "br" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/cl.js");
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
            var response = await client.SendAsync(request, Ct);
            Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            Assert.Equal($"\"{Version}-{encoding}\"", response.Headers.ETag!.Tag);
            await using var body = await response.Content.ReadAsStreamAsync(Ct);
            await using Stream decoded = encoding == "gzip" ? new GZipStream(body, CompressionMode.Decompress) : new BrotliStream(body, CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await decoded.CopyToAsync(plain, Ct);
            Assert.Equal(raw, plain.ToArray());
        }
    }

    [Fact]
    public async Task DemoPage_EmbedsTheVersionedTag_ForTheRequestedSite()
    {
        using var client = fixture.Edge.CreateClient();
        var html = await client.GetStringAsync("/demo?site=acme-demo", Ct);

        Assert.Contains($"src=\"/t/{Version}/cl.js\" data-site=\"acme-demo\"", html);
        Assert.Contains("data-customerlab-ignore", html);
        Assert.Contains("/optout?k=acme-demo", html);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/demo?site=%3Cscript%3E", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/demo/pricing?site=acme-demo", Ct)).StatusCode);
    }

    [Fact]
    public async Task MissingBuild_Answers503NotA500_AndReadinessAndTheLogSaySo()
    {
        var missing = Path.Combine(RepoPaths.NewTempDirectory("no-tag"), "cl.js");
        await using var edge = new EdgeApplication(garnet.Url, clickHouse.BaseUrl, EdgeApplication.DatabaseFor("tagmissing"),
            new Dictionary<string, string?> { ["Tag:Path"] = missing });
        using var client = edge.CreateClient();

        var tag = await client.GetAsync("/cl.js", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tag.StatusCode);
        Assert.Contains("npm run build", await tag.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/t/0123456789ab/cl.js", Ct)).StatusCode);
        Assert.Contains(edge.Logs.Lines, l => l.Contains("TagMissing", StringComparison.Ordinal) || l.Contains("The tag is not built", StringComparison.Ordinal));

        var ready = await client.GetAsync("/readyz", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var check = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks").GetProperty("tag");
        Assert.Equal("down", check.GetProperty("status").GetString());
        Assert.Contains(missing, check.GetProperty("detail").GetString());

        // Built later: picked up without a restart (the file is looked at again every 2 s).
        await File.WriteAllTextAsync(missing, "/* tag */", Ct);
        await Poll.UntilAsync(async () => (await client.GetAsync("/cl.js", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the late tag build");
    }
}
