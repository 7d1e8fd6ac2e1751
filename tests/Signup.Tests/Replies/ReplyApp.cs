using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Signup.Database;
using Notices.Signup.Replies;
using Notices.Testing;

namespace Notices.Signup.Tests.Replies;

/// <summary>Settings and intents shared by the reply tests.</summary>
internal static class ReplyApp
{
    public const string AuthServId = "mx.agency.example";

    /// <summary>Replies read from the drop folder, answered through the file mailbox, with our authserv-id.</summary>
    public static Dictionary<string, string> Settings(TestDatabase db, string source = "Folder") => new()
    {
        ["Notices:Mail:Inbound:Source"] = source,
        ["Notices:Mail:Inbound:ReplyAddress"] = "approvals+{key}@agency.example",
        ["Notices:Mail:Inbound:AuthServId"] = AuthServId,
        ["Notices:Mail:Inbound:RequireAuthenticationResults"] = "true",
        ["Notices:Mail:Inbound:Folder:PollIntervalSeconds"] = "1",
    };

    /// <summary>The approval request email as the file mailbox wrote it (the <paramref name="count"/>th one).</summary>
    public static async Task<MimeMessage> WaitForApprovalRequestAsync(NoticesAppFactory app, int count = 1)
    {
        var requests = await WaitForMailAsync(app, m => m.Subject?.Contains("pproval needed", StringComparison.Ordinal) == true, count);
        return requests[count - 1];
    }

    /// <summary>Waits (bounded) until the file mailbox holds at least <paramref name="count"/> messages matching <paramref name="match"/>.</summary>
    public static async Task<List<MimeMessage>> WaitForMailAsync(NoticesAppFactory app, Func<MimeMessage, bool> match, int count = 1)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = app.OutgoingMail().Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The file mailbox holds {found.Count} matching message(s), not {count}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Our answers to replies (confirmations, help, "already decided"), as sent.</summary>
    public static IReadOnlyList<MimeMessage> Answers(NoticesAppFactory app) =>
        app.OutgoingMail().Where(m => m.Headers[HeaderId.AutoSubmitted] == "auto-replied").ToList();

    /// <summary>Volunteers <paramref name="employees"/> and returns each one's approval request email, in order.</summary>
    public static async Task<(SignupScenario Scenario, List<MimeMessage> Requests)> VolunteerAsync(NoticesAppFactory app, int employees = 1)
    {
        var scenario = await app.SeedSignupScenarioAsync(recipients: employees);
        using var person = app.CreateBrowserClient();
        var requests = new List<MimeMessage>();
        for (var i = 1; i <= employees; i++)
        {
            await person.VolunteerAsync(scenario.PathOf(DeliveryIntents.RecipientId(i)));
            requests.Add(await WaitForApprovalRequestAsync(app, i));
        }

        return (scenario, requests);
    }

    /// <summary>Waits (bounded) until the pipeline has recorded the message with <paramref name="messageId"/>.</summary>
    public static async Task<ProcessedReply> WaitForOutcomeAsync(NoticesAppFactory app, string messageId)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var row = await scope.ServiceProvider.GetRequiredService<SignupDbContext>().ProcessedReplies.AsNoTracking().FirstOrDefaultAsync(r => r.MessageId == messageId);
                if (row is not null)
                {
                    return row;
                }
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The reply {messageId} was not processed.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task<List<ProcessedReply>> ProcessedAsync(NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignupDbContext>().ProcessedReplies.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
    }

    public static string MessageIdOf(byte[] mime) => MimeMessage.Load(new MemoryStream(mime)).MessageId ?? throw new InvalidOperationException("no Message-ID");

    /// <summary>The audit records of one approval request.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ApprovalAuditAsync(NoticesAppFactory app, long approvalId) =>
        (await app.AuditAsync(AuditSubject.Approval(approvalId))).Entries;
}

/// <summary>Where a test delivers replies: the drop folder, or a real IMAP server (Dovecot).</summary>
internal interface IReplyMailbox : IAsyncDisposable
{
    IReadOnlyDictionary<string, string> Settings { get; }

    Task DeliverAsync(byte[] mime);
}

/// <summary>The drop folder of the app's data directory; files are written whole and renamed, as the folder source asks.</summary>
internal sealed class FolderMailbox(TestDatabase db) : IReplyMailbox
{
    public string Incoming { get; } = Path.Combine(db.DataDirectory, "mailbox", "incoming");

    public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public async Task DeliverAsync(byte[] mime)
    {
        Directory.CreateDirectory(Incoming);
        var name = $"{DateTimeOffset.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}";
        var temporary = Path.Combine(Incoming, name + ".tmp");
        await File.WriteAllBytesAsync(temporary, mime);
        File.Move(temporary, Path.Combine(Incoming, name + ".eml"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
