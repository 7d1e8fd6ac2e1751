using Notices.Identity.SignIn;

namespace Notices.Mail.DevMailbox;

/// <summary>
/// The development mailbox pages exist only with the development sign-in: Development and no Entra ID. An instance
/// signed in through Entra ID may hold mail for real people, so it never serves them, whatever its environment.
/// </summary>
internal sealed class DevMailboxGate(IHostEnvironment environment, IConfiguration configuration)
{
    public bool IsOpen { get; } = SignInMode.From(configuration, environment).IsDevelopment;
}
