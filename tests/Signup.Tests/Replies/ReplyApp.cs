using MimeKit;
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
    };

    /// <summary>The approval request email as the file mailbox wrote it.</summary>
    public static async Task<MimeMessage> WaitForApprovalRequestAsync(NoticesAppFactory app, int count = 1)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var requests = app.OutgoingMail().Where(m => m.Subject?.Contains("pproval needed", StringComparison.Ordinal) == true).ToList();
            if (requests.Count >= count)
            {
                return requests[count - 1];
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("No approval request email reached the file mailbox.");
            }

            await Task.Delay(50);
        }
    }
}
