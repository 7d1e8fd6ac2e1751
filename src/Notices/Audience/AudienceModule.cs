namespace Notices.Audience;

/// <summary>The Audience feature: audience preview: counts, breakdown, sample, rendered email, test send (helper C).</summary>
internal static class AudienceModule
{
    public static WebApplicationBuilder AddAudience(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapAudience(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
