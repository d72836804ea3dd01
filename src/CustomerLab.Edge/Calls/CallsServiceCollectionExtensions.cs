using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerLab.Edge.Calls;

internal static class CallsServiceCollectionExtensions
{
    /// <summary>Call webhooks, attribution and the calls table writer.</summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        services.AddOptions<CallOptions>().BindConfiguration(CallOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallOptions>, CallOptionsValidator>());
        services.TryAddSingleton<CallAttributor>();
        services.TryAddSingleton<CallRecorder>();
        return services;
    }
}
