using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Privacy;

internal static class PrivacyServiceCollectionExtensions
{
    /// <summary>Access and deletion requests (admin API and CLI).</summary>
    public static IServiceCollection AddPrivacyRequests(this IServiceCollection services)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateOnStart()
            .Validate(o => string.IsNullOrEmpty(o.AuditKey) || o.AuditKey.Length >= 32, "Privacy:AuditKey must be at least 32 characters.")
            .Validate(o => o.MaxExportRows is >= 1 and <= 10_000_000, "Privacy:MaxExportRows must be between 1 and 10,000,000.");
        services.TryAddSingleton<PrivacyRequests>();
        return services;
    }
}
