using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Testing;

/// <summary>Builds directory CSV files for tests; every field has a sensible default.</summary>
public static class DirectoryCsv
{
    public const string Header = "employee_id,display_name,email,job_series,pay_plan,grade,position_title,organization,duty_city,duty_state,supervisor_id,status";

    public static string Row(
        string id,
        string supervisor = "E1",
        string? email = null,
        string? name = null,
        string series = "1801",
        string payPlan = "GS",
        string grade = "12",
        string title = "Immigration Services Officer",
        string org = "USCIS/Field Operations Directorate/Boston Field Office",
        string city = "Boston",
        string state = "MA",
        string status = "active") =>
        string.Join(',', id, name ?? "Person " + id, email ?? id.ToLowerInvariant() + "@agency.example", series, payPlan, grade, title, org, city, state, supervisor, status);

    /// <summary>The head of the agency, E1.</summary>
    public static string Head(string id = "E1") =>
        Row(id, supervisor: string.Empty, payPlan: "SES", grade: string.Empty, title: "Director", org: "USCIS", series: "0340", city: "Camp Springs", state: "MD");

    public static string File(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";
}

/// <summary>Intent methods for the staff directory, used through the service's own importer and read contract.</summary>
public static class DirectoryIntents
{
    public static async Task<ImportOutcome> ImportDirectoryAsync(this NoticesAppFactory app, string csv, bool dryRun = false, bool deactivateMissing = false) =>
        await app.ImportDirectoryAsync(Encoding.UTF8.GetBytes(csv), dryRun, deactivateMissing);

    public static async Task<ImportOutcome> ImportDirectoryAsync(this NoticesAppFactory app, byte[] csv, bool dryRun = false, bool deactivateMissing = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        using var stream = new MemoryStream(csv);
        return await scope.ServiceProvider.GetRequiredService<IDirectoryImporter>()
            .ImportAsync(stream, new ImportOptions(dryRun, deactivateMissing));
    }

    /// <summary>The whole directory, in employee id order.</summary>
    public static async Task<List<StaffMember>> DirectoryAsync(this NoticesAppFactory app, StaffFilter? filter = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = new List<StaffMember>();
        await foreach (var member in scope.ServiceProvider.GetRequiredService<IStaffDirectory>().QueryAsync(filter ?? new StaffFilter()))
        {
            result.Add(member);
        }

        return result;
    }

    public static async Task<StaffMember?> FindEmployeeAsync(this NoticesAppFactory app, string employeeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IStaffDirectory>().FindAsync(employeeId);
    }
}
