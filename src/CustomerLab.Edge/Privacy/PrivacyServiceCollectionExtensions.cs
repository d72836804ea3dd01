using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Privacy;

internal static class PrivacyServiceCollectionExtensions
{
    /// <summary>Access and deletion requests (admin API and CLI); a deletion schedules its follow-up pass.</summary>
    public static IServiceCollection AddPrivacyRequests(this IServiceCollection services)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>());
        services.TryAddSingleton<PrivacyFollowUpQueue>();
        // Recordings found by a deletion are deleted at Twilio through this queue (edges run it; the CLI only adds to it).
        services.TryAddSingleton<Calls.Recordings.RecordingDeletionQueue>();
        services.TryAddSingleton<PrivacyRequests>();
        return services;
    }

    /// <summary>
    /// The background service that runs due follow-up passes, on top of <see cref="AddPrivacyRequests"/>. The web host
    /// only: the CLI schedules follow-ups and leaves running them to the edges.
    /// </summary>
    public static IServiceCollection AddPrivacyFollowUps(this IServiceCollection services)
    {
        services.AddHostedService<PrivacyFollowUpService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<CustomerLab.Edge.Record.IRecordedState, FollowUpRecordedState>());
        return services;
    }
}
