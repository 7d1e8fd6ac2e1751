using Notices.Delivery.NoticeEmail;
using Notices.Delivery.Outbox;

namespace Notices.Delivery.Progress;

/// <summary>The DeliveryProgress feature: the notice email and delivery progress: API, page, CLI (helper B2).</summary>
internal static class ProgressModule
{
    public static WebApplicationBuilder AddDeliveryProgress(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<INoticeEmailFactory, NoticeEmailFactory>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDeliveryProgress(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
