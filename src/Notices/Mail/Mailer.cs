using Notices.Mail.Delivery;
using Notices.Mail.Rendering;
using Notices.Templates;

namespace Notices.Mail;

/// <summary>The outcome of a one-off send, with the Message-ID it carried.</summary>
internal sealed record MailSendResult(string MessageId, DeliveryResult Delivery);

/// <summary>
/// One-off emails (the test email, "import finished"): render, build, send on a short session. Bulk senders use
/// <see cref="IMailRenderer"/>, <see cref="MailMessageFactory"/> and an <see cref="IMailSession"/> per worker instead.
/// </summary>
internal interface IMailer
{
    /// <exception cref="InvalidMailHeaderException">A caller-supplied header value is unsafe or not an address.</exception>
    Task<MailSendResult> SendAsync<TModel>(TModel model, MailAddressing addressing, CancellationToken cancellationToken = default)
        where TModel : IEmailModel;
}

internal sealed class Mailer(
    IMailRenderer renderer,
    MailMessageFactory messages,
    IMailTransport transport,
    ILogger<Mailer> logger) : IMailer
{
    public async Task<MailSendResult> SendAsync<TModel>(TModel model, MailAddressing addressing, CancellationToken cancellationToken = default)
        where TModel : IEmailModel
    {
        var content = await renderer.RenderAsync(model, cancellationToken);
        using var message = messages.Create(addressing, content);
        await using var session = await transport.OpenSessionAsync(cancellationToken);
        var result = await session.SendAsync(message, cancellationToken);
        logger.LogInformation(
            "Mail {Template} to {Recipient} via {Transport}: {Outcome}",
            typeof(TModel).Name, MailAddresses.Mask(message.To.Mailboxes.First()), transport.Name, result.Outcome);
        return new MailSendResult(message.MessageId ?? "", result);
    }
}
