using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Assets;

/// <summary>
/// Serves a script built by report-js/ (esbuild, no CDN): the file at the configured path, else
/// <c>report-js/dist/{name}</c> found upward from the content root; 503 naming the build step when it is missing.
/// </summary>
internal static class BuiltScript
{
    public static Results<PhysicalFileHttpResult, ProblemHttpResult> Serve(IWebHostEnvironment environment, string? configuredPath, string name)
    {
        var path = configuredPath is { Length: > 0 }
            ? configuredPath
            : FileLocator.FindUpward([environment.ContentRootPath, AppContext.BaseDirectory], Path.Combine("report-js", "dist", name));
        if (path is null || !File.Exists(path))
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: $"The script {name} is not built: run `npm ci && npm run build` in report-js/ (./run.sh does it).");
        var info = new FileInfo(path);
        return TypedResults.PhysicalFile(path, "text/javascript; charset=utf-8", lastModified: info.LastWriteTimeUtc,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\""));
    }
}
