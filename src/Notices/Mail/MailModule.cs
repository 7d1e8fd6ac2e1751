using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notices.Hosting;
using Notices.Mail.Delivery;
using Notices.Mail.DevMailbox;
using Notices.Mail.Graph;
using Notices.Mail.Rendering;
using Notices.Templates;

namespace Notices.Mail;

/// <summary>The mail seam: typed message → renderer → message builder → (outbox) → transport (file mailbox, SMTP or Graph).</summary>
internal static class MailModule
{
    public static WebApplicationBuilder AddMail(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PublicUrlOptions>, PublicUrlOptionsValidator>();
        services.AddSingleton<LinkBuilder>();
        services.AddSingleton<Notices.Delivery.Outbox.NoticeLinks>();
        services.AddSingleton<IEmailLinks>(sp => sp.GetRequiredService<LinkBuilder>());

        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<IMailRenderer, RazorMailRenderer>();
        services.AddSingleton<MailMessageFactory>();
        services.AddSingleton<FileMailTransport>();
        services.AddSingleton<SmtpMailTransport>();
        services.AddSingleton<IMailTransport>(sp => sp.GetRequiredService<IOptions<MailOptions>>().Value.Transport switch
        {
            MailTransportKind.Smtp => sp.GetRequiredService<SmtpMailTransport>(),
            MailTransportKind.Graph => sp.GetRequiredService<Graph.GraphMailTransport>(),
            _ => sp.GetRequiredService<FileMailTransport>(),
        });
        services.AddSingleton<DevMailboxStore>();
        services.AddSingleton<DevMailboxGate>();
        builder.AddGraphMail();
        return builder;
    }

    public static WebApplication MapMail(this WebApplication app)
    {
        if (app.Services.GetRequiredService<DevMailboxGate>().IsOpen)
        {
            app.MapDevMailbox();
        }

        return app;
    }
}
