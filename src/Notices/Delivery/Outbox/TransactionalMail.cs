using Microsoft.AspNetCore.DataProtection;
using MimeKit;
using Notices.Delivery.Sending;

namespace Notices.Delivery.Outbox;

/// <summary>
/// A transactional message is built when it is queued and kept in the outbox only in Data Protection's protected form
/// (it may carry links and personal data, and the key ring is itself protected at rest), until the relay takes it.
/// </summary>
internal sealed class TransactionalMail(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Notices.Delivery.OutboxPayload.v1");

    public byte[] Seal(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return _protector.Protect(buffer.ToArray());
    }

    /// <exception cref="System.Security.Cryptography.CryptographicException">The payload was tampered with, or its key is gone.</exception>
    /// <exception cref="FormatException">The row holds no payload, or it is not a MIME message.</exception>
    public MimeMessage Open(ClaimedRow row)
    {
        if (row.Payload is not { Length: > 0 } payload)
        {
            throw new FormatException($"Outbox row {row.Id} has no message to send.");
        }

        return MimeMessage.Load(new MemoryStream(_protector.Unprotect(payload), writable: false));
    }
}
