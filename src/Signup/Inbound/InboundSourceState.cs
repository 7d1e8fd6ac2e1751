namespace Notices.Signup.Inbound;

/// <summary>
/// One row per inbound mail source: where its reading got to (<see cref="Cursor"/>: a Graph delta link, an IMAP
/// UIDVALIDITY/UID pair...) and which instance may read it now (a lease, so that several instances never read the
/// same mailbox at once). Times are Unix milliseconds (UTC), comparable in SQL on both providers.
/// </summary>
internal sealed class InboundSourceState
{
    public required string Source { get; set; }

    public string? Cursor { get; set; }

    public string? LeaseHolder { get; set; }

    public long LeaseUntil { get; set; }

    public long UpdatedAt { get; set; }
}
