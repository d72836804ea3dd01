namespace CustomerLab.Edge.Privacy;

/// <summary>The privacy endpoints: the visitor's opt-out link and the admin API for access and deletion requests.</summary>
internal static class PrivacyEndpoints
{
    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app) => app.MapOptOut().MapPrivacyAdmin();
}
