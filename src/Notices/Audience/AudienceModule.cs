using Notices.Audience.EmailPreview;
using Notices.Audience.Preview;
using Notices.Audience.Save;
using Notices.Audience.TestSend;
using Notices.Audience.Warnings;
using Notices.Identity.Authorization;

namespace Notices.Audience;

/// <summary>The Audience feature: audience preview: counts, breakdown, warnings, sample, rendered email, test send.</summary>
internal static class AudienceModule
{
    public static WebApplicationBuilder AddAudience(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AudienceWarningOptions>().BindConfiguration(AudienceWarningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<AudienceWarnings>();
        builder.Services.AddScoped<AudiencePreviewer>();
        builder.Services.AddScoped<SaveAudienceHandler>();
        builder.Services.AddScoped<NoticeEmailPreviewer>();
        builder.Services.AddScoped<TestSendHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAudience(this IEndpointRouteBuilder endpoints)
    {
        var notices = endpoints.MapGroup("/api/notices").WithTags("Audience");
        // Authors preview what they compose; releasers read the same before they release.
        var readers = notices.MapGroup("").RequireAuthorization(NoticesPolicies.NoticeReader);
        readers.MapAudiencePreview();
        readers.MapEmailPreviewApi();
        var authors = notices.MapGroup("").RequireAuthorization(NoticesPolicies.Author);
        authors.MapSaveAudience();
        authors.MapTestSend();
        endpoints.MapEmailPreviewDocument().RequireAuthorization(NoticesPolicies.NoticeReader);
        return endpoints;
    }
}
