namespace Notices.Identity.StaffDirectory;

public enum EmployeeStatus
{
    Active,
    OnLeave,
    Separated,
}
