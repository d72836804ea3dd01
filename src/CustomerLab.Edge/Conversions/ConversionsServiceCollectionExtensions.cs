using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Conversions;

internal static class ConversionsServiceCollectionExtensions
{
    /// <summary>Leads and purchases: options, visitor tokens, the conversion store, GET forms' field names.</summary>
    public static IServiceCollection AddConversions(this IServiceCollection services)
    {
        services.AddOptions<ConversionsOptions>().BindConfiguration(ConversionsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversionsOptions>, ConversionsOptionsValidator>());
        services.TryAddSingleton<VisitorTokens>();
        services.TryAddSingleton<ConversionStore>();
        services.TryAddSingleton<TagConversionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<TagConversionLog>());
        services.TryAddSingleton<FormFieldNames>();
        return services;
    }
}
