using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Notices.Data;
using Notices.Delivery.Outbox;

namespace Notices.Delivery.Sending;

/// <summary>A released notice ready to send: its email rendered once and its link key unprotected once.</summary>
internal sealed class NoticeMail(Guid noticeId, IPreparedNoticeEmail email, byte[] linkKey)
{
    public Guid NoticeId { get; } = noticeId;

    public IPreparedNoticeEmail Email { get; } = email;

    /// <summary>The recipient's personal link; derived, never stored or logged.</summary>
    public Uri SignupLink(NoticeLinks links, string employeeId) =>
        links.SignupLink(NoticeLinks.SignupToken(linkKey, NoticeId, employeeId).Value);
}

/// <summary>
/// Every worker of this instance shares one prepared email per notice (<see cref="INoticeEmailFactory.PrepareAsync"/>
/// renders the Razor template once). The factory is resolved on first use, so an instance that never sends needs none.
/// </summary>
internal sealed class NoticeMailCache(IServiceProvider services, NoticeLinks links)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<NoticeMail>>> _cache = new();

    public async Task<NoticeMail> GetAsync(NoticesDbContext db, Guid noticeId, CancellationToken cancellationToken)
    {
        var lazy = _cache.GetOrAdd(noticeId, id => new Lazy<Task<NoticeMail>>(() => LoadAsync(db, id, cancellationToken)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            // A failed load (database hiccup, cancelled) must not stick: the next row tries again.
            _cache.TryRemove(new KeyValuePair<Guid, Lazy<Task<NoticeMail>>>(noticeId, lazy));
            throw;
        }
    }

    /// <summary>Drops a finished notice (sent or cancelled) so its key and rendering leave memory.</summary>
    public void Forget(Guid noticeId) => _cache.TryRemove(noticeId, out _);

    private async Task<NoticeMail> LoadAsync(NoticesDbContext db, Guid noticeId, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstAsync(n => n.Id == noticeId, cancellationToken);
        if (string.IsNullOrEmpty(notice.ProtectedLinkKey))
        {
            throw new InvalidOperationException($"Notice {noticeId} was released without a link key.");
        }

        var key = links.Unprotect(notice.ProtectedLinkKey);
        var factory = services.GetRequiredService<INoticeEmailFactory>();
        var email = await factory.PrepareAsync(notice, cancellationToken);
        return new NoticeMail(noticeId, email, key);
    }
}
