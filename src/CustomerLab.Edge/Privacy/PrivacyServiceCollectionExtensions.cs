using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Privacy;

internal static class PrivacyServiceCollectionExtensions
{
    /// <summary>Access and deletion requests (admin API and CLI); a deletion schedules its follow-up pass.</summary>
    public static IServiceCollection AddPrivacyRequests(this IServiceCollection services)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateOnStart()
            .Validate(o => string.IsNullOrEmpty(o.AuditKey) || o.AuditKey.Length >= 32, "Privacy:AuditKey must be at least 32 characters.")
            .Validate(o => o.MaxExportRows is >= 1 and <= 10_000_000, "Privacy:MaxExportRows must be between 1 and 10,000,000.")
            .Validate(o => o.FollowUpDelaySeconds is >= PrivacyOptions.MinFollowUpDelaySeconds and <= PrivacyOptions.MaxFollowUpDelaySeconds,
                "Privacy:FollowUpDelaySeconds must be between 1 and 86,400 (a day).")
            .Validate(o => o.FollowUpPollSeconds is >= PrivacyOptions.MinFollowUpPollSeconds and <= PrivacyOptions.MaxFollowUpPollSeconds,
                "Privacy:FollowUpPollSeconds must be between 1 and 300.");
        services.TryAddSingleton<PrivacyFollowUpQueue>();
        services.TryAddSingleton<PrivacyRequests>();
        return services;
    }

    /// <summary>
    /// The background service that runs due follow-up passes. The web host only: the CLI schedules follow-ups (through
    /// <see cref="AddPrivacyRequests"/>) and leaves running them to the edges.
    /// </summary>
    public static IServiceCollection AddPrivacyFollowUps(this IServiceCollection services)
    {
        services.AddPrivacyRequests();
        services.AddHostedService<PrivacyFollowUpService>();
        return services;
    }
}
