namespace Notices.Identity.SignIn;

/// <summary>
/// The seam for supervisor delegations: a module that records delegations (Signup) registers its own
/// implementation after the Identity module; the last registration wins. Supervisor rights come from the
/// directory and from here, never from a claim the user controls.
/// </summary>
public interface ISupervisorDelegations
{
    /// <summary>True when <paramref name="employeeId"/> currently acts for a supervisor.</summary>
    ValueTask<bool> IsDelegateAsync(string employeeId, CancellationToken cancellationToken);
}

/// <summary>Until delegations exist, nobody is a delegate.</summary>
internal sealed class NoSupervisorDelegations : ISupervisorDelegations
{
    public ValueTask<bool> IsDelegateAsync(string employeeId, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
