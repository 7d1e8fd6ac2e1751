using System.Data.Common;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Notices.Signup.Tests.Replies;

/// <summary>
/// A real IMAP server for the reply tests: the Dovecot that scripts/services.sh starts on loopback (named by
/// NOTICES_TEST_IMAP). Each test gets folders of its own (inbox, processed, set aside), removed at the end. Without
/// the variable the test fails with how to start the server: it is never skipped.
/// </summary>
internal sealed class ImapMailbox : IReplyMailbox
{
    public const string Variable = "NOTICES_TEST_IMAP";

    private readonly string _host;
    private readonly int _port;
    private readonly string _user;
    private readonly string _password;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12];

    public ImapMailbox()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException($"The IMAP tests need {Variable} (Dovecot on loopback). Run ./test.sh, or: eval \"$(scripts/services.sh start)\".");
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = configured };
        _host = (string)parts["Host"];
        _port = int.Parse((string)parts["Port"], System.Globalization.CultureInfo.InvariantCulture);
        _user = (string)parts["User"];
        _password = (string)parts["Password"];
    }

    public string Inbox => _prefix;

    public string ProcessedFolder => _prefix + "-processed";

    public string SetAsideFolder => _prefix + "-set-aside";

    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Notices:Mail:Inbound:Imap:Host"] = _host,
        ["Notices:Mail:Inbound:Imap:Port"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notices:Mail:Inbound:Imap:Security"] = "None",
        ["Notices:Mail:Inbound:Imap:UserName"] = _user,
        ["Notices:Mail:Inbound:Imap:Password"] = _password,
        ["Notices:Mail:Inbound:Imap:Folder"] = Inbox,
        ["Notices:Mail:Inbound:Imap:ProcessedFolder"] = ProcessedFolder,
        ["Notices:Mail:Inbound:Imap:SetAsideFolder"] = SetAsideFolder,
        ["Notices:Mail:Inbound:Imap:PollIntervalSeconds"] = "2",
    };

    public static async Task<ImapMailbox> CreateAsync()
    {
        var mailbox = new ImapMailbox();
        using var client = await mailbox.ConnectAsync();
        await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(mailbox.Inbox, true);
        return mailbox;
    }

    /// <summary>Appends the message to the test's inbox, as delivery into the mailbox would.</summary>
    public async Task DeliverAsync(byte[] mime)
    {
        using var client = await ConnectAsync();
        var inbox = await client.GetFolderAsync(Inbox);
        await inbox.AppendAsync(MimeMessage.Load(new MemoryStream(mime)), MessageFlags.None);
    }

    /// <summary>How many messages a folder of this test holds (0 when it does not exist yet).</summary>
    public async Task<int> CountAsync(string folder)
    {
        using var client = await ConnectAsync();
        try
        {
            var opened = await client.GetFolderAsync(folder);
            await opened.StatusAsync(StatusItems.Count);
            return opened.Count;
        }
        catch (FolderNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>The keywords on each message in a folder of this test.</summary>
    public async Task<IReadOnlyList<IReadOnlySet<string>>> KeywordsAsync(string folder)
    {
        using var client = await ConnectAsync();
        var opened = await client.GetFolderAsync(folder);
        await opened.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await opened.FetchAsync(0, -1, MessageSummaryItems.Flags);
        return summaries.Select(s => (IReadOnlySet<string>)s.Keywords).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var client = await ConnectAsync();
            foreach (var name in new[] { ProcessedFolder, SetAsideFolder, Inbox })
            {
                try
                {
                    await (await client.GetFolderAsync(name)).DeleteAsync();
                }
                catch (FolderNotFoundException)
                {
                }
            }
        }
        catch (ImapCommandException)
        {
            // Left behind in the throwaway test server.
        }
    }

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync(_host, _port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_user, _password);
        return client;
    }
}
