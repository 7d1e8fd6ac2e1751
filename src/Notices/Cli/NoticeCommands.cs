using System.CommandLine;

namespace Notices.Cli;

/// <summary><c>notices ...</c>: follow a send with a progress bar, and the delivery controls.</summary>
internal static class NoticeCommands
{
    public static Command Create()
    {
        var command = new Command("notices", "Follow and control the delivery of released notices.");
        return command;
    }
}
