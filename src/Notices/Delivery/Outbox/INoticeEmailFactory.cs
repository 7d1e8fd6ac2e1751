using MimeKit;
using Notices.Composing;

namespace Notices.Delivery.Outbox;

/// <summary>
/// The personal email of a released notice (implemented with the notice email template). The notice is rendered
/// once (Razor HTML and its plain-text part); each recipient's message is then built cheaply from that, with their
/// name, link and fixed Message-ID. Used by the delivery workers, the audience preview and the test send.
/// </summary>
internal interface INoticeEmailFactory
{
    /// <summary>Renders <paramref name="notice"/> once. The result is immutable and thread-safe; cache it per notice.</summary>
    ValueTask<IPreparedNoticeEmail> PrepareAsync(Notice notice, CancellationToken cancellationToken = default);
}

internal interface IPreparedNoticeEmail
{
    /// <summary>One recipient's message: From our address with the notice's sender name, Reply-To the notice's, the
    /// given Message-ID, <c>Auto-Submitted: auto-generated</c>, HTML and plain-text parts, no tracking.</summary>
    MimeMessage Build(NoticeEmailRecipient recipient, Uri signupLink, string messageId);
}

/// <summary>What the email says about its recipient (from the outbox row, or the directory for a preview).</summary>
internal sealed record NoticeEmailRecipient(string EmployeeId, string DisplayName, string Email, string JobSeries);
