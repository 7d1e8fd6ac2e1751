using Microsoft.AspNetCore.Http.HttpResults;

namespace Notices.Delivery.Progress;

/// <summary>GET /api/notices/{id}/delivery: counts by state, rate and estimated finish (authors and releasers).</summary>
internal static class DeliveryProgressEndpoint
{
    public const string Path = "/api/notices/{id:guid}/delivery";

    public static async Task<Results<Ok<DeliveryProgressResponse>, NotFound>> HandleAsync(
        Guid id, DeliveryProgressQuery query, CancellationToken cancellationToken)
    {
        var progress = await query.GetAsync(id, cancellationToken);
        return progress is null ? TypedResults.NotFound() : TypedResults.Ok(DeliveryProgressResponse.From(progress));
    }
}

/// <summary>The API's answer; property names are the contract.</summary>
internal sealed record DeliveryProgressResponse(
    int Total,
    int Queued,
    int Sending,
    int Sent,
    int Deferred,
    int Failed,
    int Unknown,
    int Cancelled,
    double RatePerSecond,
    DateTimeOffset? EstimatedFinish,
    string State,
    bool Paused,
    int PercentDone,
    bool Finished)
{
    public static DeliveryProgressResponse From(DeliveryProgress p) => new(
        p.Total, p.Queued, p.Sending, p.Sent, p.Deferred, p.Failed, p.Unknown, p.Cancelled, p.RatePerSecond,
        p.EstimatedFinish, p.State, p.Paused, p.PercentDone, p.Finished);
}
