using Notices.Composing.Amend;
using Notices.Composing.Close;
using Notices.Composing.Create;
using Notices.Composing.Get;
using Notices.Composing.List;
using Notices.Composing.Release;
using Notices.Composing.Released;
using Notices.Composing.Submit;
using Notices.Composing.Update;
using Notices.Composing.Validation;

namespace Notices.Composing;

/// <summary>The Composing feature: compose, edit, submit and release notices.</summary>
internal static class ComposingModule
{
    public static WebApplicationBuilder AddComposing(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReleaseOptions>().BindConfiguration(ReleaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CloseOptions>().BindConfiguration(CloseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        NoticeTimeZoneOptions.Register(builder.Services);
        builder.Services.AddSingleton<NoticeValidator>();
        builder.Services.AddScoped<AudienceCount>();
        builder.Services.AddScoped<CreateNoticeHandler>();
        builder.Services.AddScoped<UpdateNoticeHandler>();
        builder.Services.AddScoped<GetNoticeHandler>();
        builder.Services.AddScoped<ListNoticesHandler>();
        builder.Services.AddScoped<SubmitNoticeHandler>();
        builder.Services.AddScoped<ReleaseNoticeHandler>();
        builder.Services.AddScoped<AmendNoticeHandler>();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<Notices.Signup.Released.IReleasedNotices, ReleasedNoticesForSignup>();
        builder.Services.AddSingleton<NoticeCloser>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NoticeCloser>());
        return builder;
    }

    public static IEndpointRouteBuilder MapComposing(this IEndpointRouteBuilder endpoints)
    {
        NoticesApi.Map(endpoints);
        return endpoints;
    }
}
