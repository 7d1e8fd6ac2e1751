using System.Globalization;
using System.Text.RegularExpressions;
using MimeKit;
using Notices.Identity.Database;

namespace Notices.Mail.DevMailbox;

internal sealed record MailboxEntry(string Id, DateTimeOffset WrittenAt, string From, string To, string Subject);

internal sealed record MailboxPage(IReadOnlyList<MailboxEntry> Entries, int Page, int PageCount, int Total);

/// <summary>
/// Reads the file mailbox for the development pages. Listing only enumerates file names (which sort by time) and
/// reads the headers of the page shown, so 20,000 messages cost one directory listing, not 20,000 parses.
/// </summary>
internal sealed partial class DevMailboxStore(DataPaths paths)
{
    public const int PageSize = 50;

    /// <summary>Exactly the names <see cref="Delivery.FileMailTransport"/> writes: nothing else can reach the disk.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public MailboxPage List(int page)
    {
        var directory = paths.OutgoingMailbox;
        if (!Directory.Exists(directory))
        {
            return new MailboxPage([], 1, 1, 0);
        }

        var ids = Directory.EnumerateFiles(directory, "*.eml")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(IsValidId)
            .Select(id => id!)
            .ToArray();
        Array.Sort(ids, static (a, b) => string.CompareOrdinal(b, a));

        var pageCount = Math.Max(1, (ids.Length + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pageCount);
        var entries = new List<MailboxEntry>(PageSize);
        foreach (var id in ids.Skip((page - 1) * PageSize).Take(PageSize))
        {
            if (TryReadHeaders(id) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return new MailboxPage(entries, page, pageCount, ids.Length);
    }

    public MimeMessage? Load(string? id)
    {
        var path = PathOf(id);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return MimeMessage.Load(path);
        }
        catch (Exception exception) when (exception is IOException or FormatException)
        {
            return null;
        }
    }

    public static DateTimeOffset WrittenAt(string id) =>
        DateTimeOffset.ParseExact(id[..19], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private MailboxEntry? TryReadHeaders(string id)
    {
        var path = PathOf(id);
        if (path is null)
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var headers = HeaderList.Load(stream);
            return new MailboxEntry(id, WrittenAt(id), Decode(headers[HeaderId.From]), Decode(headers[HeaderId.To]), Decode(headers[HeaderId.Subject]));
        }
        catch (Exception exception) when (exception is IOException or FormatException)
        {
            return null; // Removed meanwhile, or not a message: skip it.
        }
    }

    private static string Decode(string? value) => value is null ? "" : MimeKit.Utils.Rfc2047.DecodeText(System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>The file for an id, or null. The id is validated first, and the result must stay inside the mailbox.</summary>
    private string? PathOf(string? id)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        var directory = Path.GetFullPath(paths.OutgoingMailbox) + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(directory, id + ".eml"));
        return path.StartsWith(directory, StringComparison.Ordinal) ? path : null;
    }

    [GeneratedRegex("^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{16}(-[0-9]{1,3})?$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex IdPattern();
}
