using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Notices.Delivery.Throttling;

internal static class ThrottlingServices
{
    /// <summary>The one <see cref="SendLimiter"/> of this instance, shared by every worker, and the budget instances share on PostgreSQL.</summary>
    public static IServiceCollection AddSendThrottle(this IServiceCollection services)
    {
        services.AddOptions<ThrottleOptions>()
            .BindConfiguration(ThrottleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SendLimiter>();
        services.TryAddSingleton<SharedSendBudget>();
        // Before the delivery workers (AddDelivery registers them after this call): hosted services start in order,
        // so the limiter knows the last 24 hours' sends before the first grant.
        services.AddHostedService<ThrottleSeeding>();
        return services;
    }
}
