using Microsoft.Extensions.Options;
using Notices.Delivery.Controls;
using Notices.Delivery.Sending;
using Notices.Delivery.Throttling;

namespace Notices.Delivery;

/// <summary>The Delivery feature: the outbox workers, leases, throttle and delivery controls (helper B1).</summary>
internal static class DeliveryModule
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSendThrottle();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddOptions<DeliveryPoolOptions>()
            .Configure<IConfiguration>((options, configuration) => options.Workers = configuration.GetValue(DeliveryPoolOptions.Key, options.Workers))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryPoolOptions>, DeliveryPoolOptionsValidator>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryMetrics>();
        services.AddSingleton<NoticeMailCache>();
        services.AddHostedService<DeliveryService>();
        services.AddScoped<DeliveryControls>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDelivery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDeliveryControls();
        return endpoints;
    }
}
