using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Security;

/// <summary>Limits and headers that keep the edge safe to expose to the whole internet.</summary>
public sealed class EdgeSecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>Requests to <c>/v1/*</c> one client network (IPv4 /24, IPv6 /64: see <see cref="ClientPrefix"/>) may make per
    /// window. The default is 1,000 (per 10 s window: 100 a second, room for about a thousand browsing visitors behind one
    /// carrier NAT range; see docs/security.md). Requests without a network peer (in-process, Unix socket) have no limit.</summary>
    public int PermitsPerIp { get; set; } = 1_000;

    /// <summary>
    /// Requests to <c>/v1/*</c> from one site per window. The site is the request's <c>Origin</c> host (browsers send it
    /// on the tag's POSTs; the body, which names the site key, is not read before limiting). Requests without an
    /// Origin (webhooks, servers) share one partition. The default is 50,000 (per 10 s window).
    /// </summary>
    public int PermitsPerSite { get; set; } = 50_000;

    /// <summary>Length of the rate-limit window, in seconds. The default is 10 s; Retry-After is at most this.</summary>
    public int WindowSeconds { get; set; } = 10;

    /// <summary>
    /// Largest request body the edge accepts at all, in bytes (Kestrel's MaxRequestBodySize and a Content-Length check);
    /// the endpoints have smaller limits of their own. The default is 1 MiB.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var o = this;
        if (!(o.PermitsPerIp >= 1 && o.PermitsPerSite >= 1)) yield return new ValidationResult("Security:PermitsPerIp and Security:PermitsPerSite must be at least 1.");
        if (!(o.WindowSeconds is >= 1 and <= 3600)) yield return new ValidationResult("Security:WindowSeconds must be between 1 and 3600.");
        if (!(o.MaxRequestBodyBytes is >= 1024 and <= 1L << 30)) yield return new ValidationResult("Security:MaxRequestBodyBytes must be between 1 KiB and 1 GiB.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="EdgeSecurityOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class EdgeSecurityOptionsValidator : IValidateOptions<EdgeSecurityOptions>;
