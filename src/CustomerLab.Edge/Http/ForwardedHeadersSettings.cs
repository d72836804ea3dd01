using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Http;

/// <summary>
/// Which proxies may tell the edge the client's address (section <c>ForwardedHeaders</c>), applied by ASP.NET Core's
/// <c>UseForwardedHeaders</c>: the one place the client address is resolved (GeoIP, bot checks, rate limits).
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    /// <summary>The header naming the client and the proxies it passed. The default is <c>X-Forwarded-For</c>.</summary>
    [Required]
    public string Header { get; set; } = "X-Forwarded-For";

    /// <summary>Addresses of the proxies whose header is believed. The default (empty) is loopback only.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of proxies whose header is believed. The default is none.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Most proxy hops read from the header, right to left. The default is 1.</summary>
    [Range(1, 32)]
    public int ForwardLimit { get; set; } = 1;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
            if (!IPAddress.TryParse(KnownProxies[i], out _))
                yield return new ValidationResult($"ForwardedHeaders:KnownProxies:{i} '{KnownProxies[i]}' is not an IP address.");
        for (var i = 0; i < KnownNetworks.Count; i++)
            if (!System.Net.IPNetwork.TryParse(KnownNetworks[i], out _))
                yield return new ValidationResult($"ForwardedHeaders:KnownNetworks:{i} '{KnownNetworks[i]}' is not a network in CIDR form.");
    }
}

/// <summary>Source-generated start-up validator of <see cref="ForwardedHeadersSettings"/>.</summary>
[OptionsValidator]
internal sealed partial class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>;
