using Microsoft.EntityFrameworkCore;
using MimeKit;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Hosting;
using Notices.Identity.StaffDirectory;
using Notices.Mail;

namespace Notices.Audience.EmailPreview;

/// <summary>The notice email as one recipient would get it, with a stand-in link that is no token.</summary>
internal sealed record RenderedNoticeEmail(string EmployeeId, string DisplayName, string Subject, string Html, string Text);

internal enum EmailPreviewStatus
{
    Rendered,
    NoticeNotFound,
    EmployeeNotFound,
}

/// <summary>
/// Renders a notice's email for a chosen recipient through the same <see cref="INoticeEmailFactory"/> the delivery
/// workers use, so what the author sees is what staff get; only the link differs: <see cref="PlaceholderPath"/>
/// on the public base URL, which no sign-up token can ever equal (tokens are base64url of 32 bytes).
/// </summary>
internal sealed class NoticeEmailPreviewer(
    NoticesDbContext db,
    IStaffDirectory directory,
    INoticeEmailFactory emails,
    LinkBuilder links,
    MailMessageFactory messages)
{
    public const string PlaceholderPath = NoticeLinks.SignupPathPrefix + "preview-only";

    public Uri PlaceholderLink => links.To(PlaceholderPath);

    public async Task<(EmailPreviewStatus Status, RenderedNoticeEmail? Email)> RenderAsync(Guid noticeId, string employeeId, CancellationToken cancellationToken)
    {
        var (status, message, member) = await BuildAsync(noticeId, employeeId, null, cancellationToken);
        if (message is null)
        {
            return (status, null);
        }

        using (message)
        {
            return (status, new RenderedNoticeEmail(member!.EmployeeId, member.DisplayName, message.Subject ?? "", message.HtmlBody ?? "", message.TextBody ?? ""));
        }
    }

    /// <summary>
    /// The message for <paramref name="employeeId"/>; addressed to <paramref name="deliverTo"/> instead when given
    /// (the test send), otherwise to the recipient's own address (never sent: for rendering only).
    /// </summary>
    public async Task<(EmailPreviewStatus Status, MimeMessage? Message, StaffMember? Member)> BuildAsync(
        Guid noticeId, string employeeId, string? deliverTo, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == noticeId, cancellationToken);
        if (notice is null)
        {
            return (EmailPreviewStatus.NoticeNotFound, null, null);
        }

        var member = await directory.FindAsync(employeeId.Trim(), cancellationToken);
        if (member is null)
        {
            return (EmailPreviewStatus.EmployeeNotFound, null, null);
        }

        var prepared = await emails.PrepareAsync(notice, cancellationToken);
        var recipient = new NoticeEmailRecipient(member.EmployeeId, member.DisplayName, deliverTo ?? member.Email, member.JobSeries);
        var message = prepared.Build(recipient, PlaceholderLink, messages.NewMessageId());
        return (EmailPreviewStatus.Rendered, message, member);
    }
}
