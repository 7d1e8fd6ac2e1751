using Microsoft.AspNetCore.Http.HttpResults;

namespace Notices.Delivery.Progress;

/// <summary>GET /api/notices/{id}/delivery: counts by state, rate and estimated finish (authors and releasers).</summary>
internal static class DeliveryProgressEndpoint
{
    public const string Path = "/api/notices/{id:guid}/delivery";

    public static async Task<Results<Ok<DeliveryProgress>, NotFound>> HandleAsync(
        Guid id, DeliveryProgressQuery query, CancellationToken cancellationToken)
    {
        var progress = await query.GetAsync(id, cancellationToken);
        return progress is null ? TypedResults.NotFound() : TypedResults.Ok(progress);
    }
}
