using Notices.Audience;
using Notices.Composing;
using Notices.Delivery;
using Notices.Delivery.Progress;
using Notices.Identity;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Reporting;
using Notices.Signup;

namespace Notices.Hosting;

/// <summary>Builds the web host: the table of contents of the modules.</summary>
internal static class NoticesApp
{
    public static WebApplicationBuilder CreateBuilder(string[] args, string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        builder.AddIdentityModule();
        builder.AddSignupModule();
        builder.AddNoticesHost();
        builder.AddComposing();
        builder.AddAudience();
        builder.AddDelivery();
        builder.AddDeliveryProgress();
        builder.AddReporting();
        return builder;
    }

    public static WebApplication Create(string[] args)
    {
        var app = CreateBuilder(args).Build();
        app.UseNoticesHost();
        app.MapIdentityModule();
        app.MapSignupModule();
        app.MapNoticesHost();
        app.MapMail();
        app.MapComposing();
        app.MapAudience();
        app.MapDelivery();
        app.MapDeliveryProgress();
        app.MapReporting();
        return app;
    }
}
