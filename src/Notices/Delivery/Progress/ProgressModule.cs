using Notices.Delivery.NoticeEmail;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;

namespace Notices.Delivery.Progress;

/// <summary>The DeliveryProgress feature: the notice email and delivery progress: API, page, CLI.</summary>
internal static class ProgressModule
{
    public static WebApplicationBuilder AddDeliveryProgress(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<INoticeEmailFactory, NoticeEmailFactory>();
        builder.Services.AddScoped<DeliveryProgressQuery>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDeliveryProgress(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DeliveryProgressEndpoint.Path, DeliveryProgressEndpoint.HandleAsync)
            .RequireAuthorization(NoticesPolicies.NoticeReader)
            .WithName("GetDeliveryProgress")
            .WithTags("Delivery");
        return endpoints;
    }
}
