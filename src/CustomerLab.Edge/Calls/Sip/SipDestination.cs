using CustomerLab.Edge.Calls.Routing;

namespace CustomerLab.Edge.Calls.Sip;

/// <summary>Where the phone server relays a call: the pool's or site's PBX (<c>forwardSip</c>), else the trunk gateway with the forward-to number.</summary>
internal static class SipDestination
{
    /// <summary>The SIP URI, or null when the route names neither a PBX nor (with a gateway configured) a forward-to number.</summary>
    public static string? For(CallRoute route, CallOptions options)
    {
        if (route.ForwardSip is { Length: > 0 } pbx) return pbx;
        if (route.ForwardTo is null || options.SipTrunkGateway.Length == 0) return null;
        return $"sip:{route.ForwardTo}@{options.SipTrunkGateway}";
    }
}
