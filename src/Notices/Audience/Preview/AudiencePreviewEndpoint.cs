using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Notices.Audience.Rules;
using Notices.Data;

namespace Notices.Audience.Preview;

/// <summary>The optional body of a preview: rules to try before saving them. Without it the notice's stored rules are previewed.</summary>
internal sealed record AudiencePreviewRequest(AudienceRulesInput? Audience);

internal static class AudiencePreviewEndpoint
{
    public static void MapAudiencePreview(this IEndpointRouteBuilder notices)
    {
        notices.MapGet("/{id:guid}/audience/sample", SampleAsync)
            .WithName("GetAudienceSample")
            .WithSummary("A sample of the notice's stored audience, spread evenly by employee id.");
        notices.MapPost("/{id:guid}/audience/preview", PreviewAsync)
            .WithName("PreviewAudience")
            .WithSummary("The count, breakdown by series, grade, organisation and state, a sample and the warnings (an organisation that matches nobody, a particularly needed series absent, a large share of the agency, nobody), for the notice's audience or the audience in the body.");
    }

    private static async Task<Results<Ok<AudiencePreview>, NotFound, ValidationProblem>> PreviewAsync(
        Guid id,
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] AudiencePreviewRequest? request,
        [FromQuery] int? sampleSize,
        NoticesDbContext db,
        AudiencePreviewer previewer,
        CancellationToken cancellationToken)
    {
        var size = sampleSize ?? AudiencePreviewer.DefaultSampleSize;
        if (size is < 0 or > AudiencePreviewer.MaxSampleSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["sampleSize"] = [$"The sample size must be from 0 to {AudiencePreviewer.MaxSampleSize}."],
            });
        }

        var stored = await db.Notices.AsNoTracking().Where(n => n.Id == id).Select(n => new { n.Audience, n.Opportunity }).FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return TypedResults.NotFound();
        }

        var (rules, errors) = AudienceRulesValidation.Validate(request?.Audience ?? AudienceRulesInput.From(stored.Audience));
        if (rules is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await previewer.PreviewAsync(rules, stored.Opportunity.ParticularlyNeededSeries, size, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<AudienceSampleMember>>, NotFound, ValidationProblem>> SampleAsync(
        Guid id,
        [FromQuery] int? size,
        NoticesDbContext db,
        AudiencePreviewer previewer,
        CancellationToken cancellationToken)
    {
        var take = size ?? AudiencePreviewer.DefaultSampleSize;
        if (take is < 1 or > AudiencePreviewer.MaxSampleSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["size"] = [$"The sample size must be from 1 to {AudiencePreviewer.MaxSampleSize}."],
            });
        }

        var stored = await db.Notices.AsNoTracking().Where(n => n.Id == id).Select(n => n.Audience).FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return TypedResults.NotFound();
        }

        var (rules, errors) = AudienceRulesValidation.Validate(AudienceRulesInput.From(stored));
        if (rules is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await previewer.SampleAsync(rules, take, cancellationToken));
    }
}
