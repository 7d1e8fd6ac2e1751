namespace Notices.Identity.StaffDirectory;

public enum EmployeeStatus
{
    Active,
    OnLeave,
    Separated,
}

/// <summary>The CSV and API spelling of <see cref="EmployeeStatus"/>: active, on_leave, separated.</summary>
public static class EmployeeStatusNames
{
    public static string ToName(this EmployeeStatus status) => status switch
    {
        EmployeeStatus.Active => "active",
        EmployeeStatus.OnLeave => "on_leave",
        EmployeeStatus.Separated => "separated",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? value, out EmployeeStatus status)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "active":
                status = EmployeeStatus.Active;
                return true;
            case "on_leave":
                status = EmployeeStatus.OnLeave;
                return true;
            case "separated":
                status = EmployeeStatus.Separated;
                return true;
            default:
                status = default;
                return false;
        }
    }
}
