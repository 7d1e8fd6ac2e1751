using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Notices.Delivery.Controls;
using Notices.Delivery.Notifications;
using Notices.Delivery.Outbox;
using Notices.Identity.Mail;
using Notices.Identity.StaffDirectory.Import;
using Notices.Delivery.Sending;
using Notices.Delivery.Throttling;
using Notices.Delivery.Transactional;

namespace Notices.Delivery;

/// <summary>The Delivery feature: the one outbox for every email, its workers, leases, throttle and delivery controls.</summary>
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
        services.AddSingleton<TransactionalMail>();
        services.AddSingleton<OutboxCommitSignal>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<OutboxCommitSignal>());
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<IMailOutbox>(sp => sp.GetRequiredService<MailOutbox>());
        services.AddSingleton<DeliveryWorkers>();
        services.AddSingleton<MailNotifications>();
        services.AddSingleton<IDirectoryImportObserver, ImportFinishedMail>();
        services.AddHostedService<DeliveryService>();
        services.AddScoped<DeliveryControls>();
        services.AddScoped<TransactionalMailQuery>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDelivery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDeliveryControls();
        endpoints.MapTransactionalMail();
        return endpoints;
    }
}
