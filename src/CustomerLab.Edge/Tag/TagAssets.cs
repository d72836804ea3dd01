using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Tag;

/// <summary>
/// The tag's built files, each served at <c>/{file}</c> and <c>/t/{version}/{file}</c>: <c>cl.js</c>, what sites embed;
/// <c>cl-more.js</c>, its extension (numbers split across elements, shadow roots), which <c>cl.js</c> loads from its
/// versioned URL after the first answer; <c>cl-leads.js</c> (form capture, leads, conversions, visitor tokens), which it
/// loads only for sites that capture forms or pages that ask for it. The other files are found next to <c>cl.js</c>
/// (<c>Tag:Path</c>'s directory), or by the same upward search.
/// </summary>
public sealed class TagAssets
{
    public const string MainFile = "cl.js";
    public const string MoreFile = "cl-more.js";
    public const string LeadsFile = "cl-leads.js";

    public TagAssets(IOptions<TagOptions> options, IWebHostEnvironment environment, TimeProvider time, ILogger<TagAsset> logger)
    {
        var main = string.IsNullOrWhiteSpace(options.Value.Path) ? null : Path.GetFullPath(options.Value.Path, environment.ContentRootPath);
        string[] searchFrom = [environment.ContentRootPath, AppContext.BaseDirectory];
        Main = new TagAsset(MainFile, main, searchFrom, time, logger);
        TagAsset Beside(string file) => new(file, main is null ? null : Path.Combine(Path.GetDirectoryName(main)!, file), searchFrom, time, logger);
        More = Beside(MoreFile);
        Leads = Beside(LeadsFile);
        All = [Main, More, Leads];
    }

    /// <summary><c>cl.js</c>.</summary>
    public TagAsset Main { get; }

    /// <summary><c>cl-more.js</c>.</summary>
    public TagAsset More { get; }

    /// <summary><c>cl-leads.js</c>.</summary>
    public TagAsset Leads { get; }

    public IReadOnlyList<TagAsset> All { get; }
}
