using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Tag;

/// <summary>Where the built browser tag is and how long browsers and caches keep it.</summary>
public sealed class TagOptions : IValidatableObject
{
    public const string Section = "Tag";

    /// <summary>
    /// The built tag (<c>tag-js/dist/cl.js</c>, made by <c>npm run build</c> in <c>tag-js</c>); its extension
    /// <c>cl-more.js</c> is expected in the same directory. The default (empty) searches upward from the content root,
    /// then from the edge's own directory, for <c>tag-js/dist/cl.js</c> (and <c>tag-js/dist/cl-more.js</c>).
    /// A missing file does not stop the edge: it is logged at start-up, <c>/readyz</c> reports the <c>tag</c> check
    /// down, and the tag URLs answer 503 until the file appears (it is looked for again every few seconds).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// Cache lifetime of the short URL <c>/cl.js</c> that sites embed, in seconds: how long a new tag version takes to
    /// reach every browser. The default is 300 (5 minutes).
    /// </summary>
    public int ShortMaxAgeSeconds { get; set; } = 300;

    /// <summary>
    /// Cache lifetime of the versioned URL <c>/t/{version}/cl.js</c>, in seconds; its content never changes, so it is
    /// also marked immutable. The default is 31,536,000 (one year).
    /// </summary>
    public int VersionedMaxAgeSeconds { get; set; } = 365 * 24 * 3600;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var o = this;
        if (!(o.ShortMaxAgeSeconds >= 0 && o.VersionedMaxAgeSeconds > 0)) yield return new ValidationResult("Tag:ShortMaxAgeSeconds must be >= 0 and Tag:VersionedMaxAgeSeconds > 0.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="TagOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class TagOptionsValidator : IValidateOptions<TagOptions>;
