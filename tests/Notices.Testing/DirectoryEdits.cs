using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;

namespace Notices.Testing;

/// <summary>Changes a person in the directory after seeding (reporting tests give people other series and hostile names).</summary>
public static class DirectoryEdits
{
    public static async Task SetDirectoryAsync(this NoticesAppFactory app, string employeeId, string? name = null, string? series = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var person = await db.Employees.SingleAsync(e => e.EmployeeId == employeeId);
        person.DisplayName = name ?? person.DisplayName;
        person.JobSeries = series ?? person.JobSeries;
        await db.SaveChangesAsync();
    }
}
