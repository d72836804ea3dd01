using System.Text;
using CustomerLab.Edge.Assets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CustomerLab.Edge.Tag;

/// <summary>
/// Serves the browser tag's files (<see cref="TagAssets"/>: <c>cl.js</c>, <c>cl-more.js</c>, <c>cl-leads.js</c>), each at
/// <c>/t/{version}/{file}</c> (content-addressed, cached for a year, immutable) and <c>/{file}</c> (the current version,
/// cached for <see cref="TagOptions.ShortMaxAgeSeconds"/>; <c>/cl.js</c> is what sites embed), all with an ETag, gzip or
/// brotli when the browser accepts it, and ASP.NET Core output caching (its middleware: <c>UseOutputCache</c> in
/// Program.cs). Also the demo client page <c>/demo</c>.
/// </summary>
internal static partial class TagEndpoints
{
    private const string CacheTag = "customerlab-tag";
    private const string JavaScript = "text/javascript; charset=utf-8";

    public static WebApplication MapTag(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TagOptions>>().Value;
        var assets = app.Services.GetRequiredService<TagAssets>();
        var store = app.Services.GetRequiredService<IOutputCacheStore>();
        var group = app.MapGroup("").WithTags("Tag");
        foreach (var asset in assets.All)
        {
            // A rebuilt file replaces the cached responses (and /demo, which names cl.js's version) at once instead of after their lifetime.
            asset.Changed += build => store.EvictByTagAsync(CacheTag, default).AsTask().ContinueWith(static _ => { }, TaskScheduler.Default);
            _ = asset.Current; // load (or log the missing file) at start-up, not on the first request
            group.MapGet("/" + asset.FileName, (HttpContext context) => Serve(context, asset.Current, asset, options.ShortMaxAgeSeconds, immutable: false))
                .CacheOutput(p => p.Expire(TimeSpan.FromSeconds(Math.Max(1, options.ShortMaxAgeSeconds))).SetVaryByHeader(HeaderNames.AcceptEncoding).Tag(CacheTag))
                .WithSummary(asset == assets.Main
                    ? "The browser tag, current version (short cache). Embed: <script async src=\"https://t.example.com/cl.js\" data-site=\"KEY\"></script>"
                    : $"The tag's {asset.FileName}, current version (short cache); the tag itself loads it from its versioned URL.");
            group.MapGet("/t/{version}/" + asset.FileName, (HttpContext context, string version) => ServeVersioned(context, version, asset))
                .CacheOutput(p => p.Expire(TimeSpan.FromHours(1)).SetVaryByHeader(HeaderNames.AcceptEncoding).Tag(CacheTag))
                .WithSummary($"The tag's {asset.FileName} at a content-addressed URL (cached for a year, immutable); an old version redirects to the current one.");
        }
        var testCalls = Calls.TestCalls.TestCallEndpoints.IsEnabled(app.Environment);
        group.MapGet("/demo/{**path}", (HttpContext context, string? site) => ServeDemo(context, assets.Main, site, testCalls)).ExcludeFromDescription()
            .CacheOutput(p => p.Expire(TimeSpan.FromMinutes(1)).SetVaryByQuery("site").Tag(CacheTag));
        return app;

        Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult> ServeVersioned(HttpContext context, string version, TagAsset tag)
        {
            var build = tag.Current;
            if (build is not null && version != build.Version)
            {
                // Never serve other bytes under a version's URL; send the browser to the current one, uncached.
                context.Response.Headers.CacheControl = "no-cache";
                return TypedResults.Redirect(VersionedUrl(build, tag.FileName));
            }
            return Serve(context, build, tag, options.VersionedMaxAgeSeconds, immutable: true);
        }
    }

    /// <summary>A file's content-addressed path, e.g. <c>/t/0123456789ab/cl.js</c>.</summary>
    public static string VersionedUrl(TagBuild build, string fileName = TagAssets.MainFile) => $"/t/{build.Version}/{fileName}";

    private static Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult> Serve(
        HttpContext context, TagBuild? build, TagAsset tag, int maxAgeSeconds, bool immutable)
    {
        if (build is null)
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Tag not built", detail: tag.MissingReason);
        }
        var accepts = context.Request.Headers.AcceptEncoding.ToString();
        var (bytes, encoding) = accepts.Contains("br", StringComparison.OrdinalIgnoreCase) ? (build.Brotli, "br")
            : accepts.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? (build.Gzip, "gzip")
            : (build.Raw, null);
        var headers = context.Response.Headers;
        if (encoding is not null) headers.ContentEncoding = encoding;
        headers.Vary = HeaderNames.AcceptEncoding;
        headers.CacheControl = $"public, max-age={maxAgeSeconds}" + (immutable ? ", immutable" : "");
        // Sites on other origins load it with a plain <script>; this lets them use crossorigin/SRI too.
        headers.AccessControlAllowOrigin = "*";
        // One strong ETag per representation (RFC 9110 8.8.3): the version plus the encoding.
        var etag = new EntityTagHeaderValue($"\"{build.Version}{(encoding is null ? "" : "-" + encoding)}\"");
        return TypedResults.Bytes(bytes, JavaScript, lastModified: build.LastModified, entityTag: etag);
    }

    /// <summary>
    /// The demo client page at <c>/demo</c> (and <c>/demo/*</c> for its SPA routes): the tag on a page with the demo
    /// site's target number <c>+1 202-555-0198</c> in many formats, a late-inserted block, a number changed in place,
    /// an SPA-style navigation, an ignored zone and the opt-out link; in Development, a "place a test call" button.
    /// </summary>
    private static readonly HtmlTemplate DemoPage = new("Tag/Html/demo.html");

    /// <summary>The demo page's "place a test call" section, on an edge that maps the test-call endpoint (Development).</summary>
    private static readonly IReadOnlySet<string> TestCallFlags = new HashSet<string> { "testCall" };

    private static Results<ContentHttpResult, ProblemHttpResult> ServeDemo(HttpContext context, TagAsset tag, string? site, bool testCalls)
    {
        site = string.IsNullOrEmpty(site) ? "demo" : site;
        if (!Sites.SiteValidation.SiteKeyPattern().IsMatch(site))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "site: 3 to 64 letters, digits, '-' or '_'.");
        var build = tag.Current;
        context.Response.Headers.CacheControl = "no-cache";
        var html = DemoPage.Render(new Dictionary<string, string>
        {
            ["site"] = site,
            // ?timeout=MS sets the tag's anti-flicker wait (digits only; a test on a loaded machine waits longer than 1.5 s).
            ["timeout"] = context.Request.Query["timeout"].ToString() is { Length: > 0 and <= 5 } t && t.All(char.IsAsciiDigit) ? t : "1500",
            ["tagUrl"] = build is null ? "/cl.js" : VersionedUrl(build),
            ["tagStatus"] = build is null ? "not built: " + tag.MissingReason : $"{build.Version}, {build.Raw.Length} B, {build.Gzip.Length} B gzip",
            ["testCallPath"] = Calls.TestCalls.TestCallEndpoints.Path,
        }, testCalls ? TestCallFlags : null);
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
    }
}
