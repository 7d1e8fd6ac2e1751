namespace Notices.Delivery;

/// <summary>The Delivery feature: the outbox workers, leases, throttle and delivery controls (helper B1).</summary>
internal static class DeliveryModule
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapDelivery(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
