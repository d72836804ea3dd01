using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Tag;

/// <summary>
/// The tag's built files, each served at <c>/{file}</c> and <c>/t/{version}/{file}</c>: <c>cl.js</c>, what sites embed,
/// and <c>cl-more.js</c>, its extension (numbers split across elements, shadow roots), which <c>cl.js</c> loads from its
/// versioned URL after the first answer. The extension is found next to <c>cl.js</c> (<c>Tag:Path</c>'s directory), or
/// by the same upward search.
/// </summary>
public sealed class TagAssets
{
    public const string MainFile = "cl.js";
    public const string MoreFile = "cl-more.js";

    public TagAssets(IOptions<TagOptions> options, IWebHostEnvironment environment, TimeProvider time, ILogger<TagAsset> logger)
    {
        var main = string.IsNullOrWhiteSpace(options.Value.Path) ? null : Path.GetFullPath(options.Value.Path, environment.ContentRootPath);
        string[] searchFrom = [environment.ContentRootPath, AppContext.BaseDirectory];
        Main = new TagAsset(MainFile, main, searchFrom, time, logger);
        More = new TagAsset(MoreFile, main is null ? null : Path.Combine(Path.GetDirectoryName(main)!, MoreFile), searchFrom, time, logger);
        All = [Main, More];
    }

    /// <summary><c>cl.js</c>.</summary>
    public TagAsset Main { get; }

    /// <summary><c>cl-more.js</c>.</summary>
    public TagAsset More { get; }

    public IReadOnlyList<TagAsset> All { get; }
}
