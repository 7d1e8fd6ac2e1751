using Notices.Audience.EmailPreview;
using Notices.Audience.Preview;
using Notices.Audience.Save;
using Notices.Audience.TestSend;
using Notices.Identity.Authorization;

namespace Notices.Audience;

/// <summary>The Audience feature: audience preview: counts, breakdown, sample, rendered email, test send.</summary>
internal static class AudienceModule
{
    /// <summary>Authors preview what they compose; releasers read the same before they release.</summary>
    public const string ReadersPolicy = "AudienceReaders";

    public static WebApplicationBuilder AddAudience(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadersPolicy, p => p.RequireRole(NoticesRoles.Author, NoticesRoles.Releaser));
        builder.Services.AddScoped<AudiencePreviewer>();
        builder.Services.AddScoped<SaveAudienceHandler>();
        builder.Services.AddScoped<NoticeEmailPreviewer>();
        builder.Services.AddScoped<TestSendHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAudience(this IEndpointRouteBuilder endpoints)
    {
        var notices = endpoints.MapGroup("/api/notices").WithTags("Audience");
        var readers = notices.MapGroup("").RequireAuthorization(ReadersPolicy);
        readers.MapAudiencePreview();
        readers.MapEmailPreviewApi();
        var authors = notices.MapGroup("").RequireAuthorization(NoticesPolicies.Author);
        authors.MapSaveAudience();
        authors.MapTestSend();
        endpoints.MapEmailPreviewDocument().RequireAuthorization(ReadersPolicy);
        return endpoints;
    }
}
