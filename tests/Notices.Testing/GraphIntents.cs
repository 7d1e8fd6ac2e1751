using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.StaffDirectory.Sync;

namespace Notices.Testing;

/// <summary>Directory sync from Graph, the way tests drive it: a fake Entra ID, a fake Graph, and the real service.</summary>
public static class GraphIntents
{
    /// <summary>Settings that point the whole chain at loopback: the token endpoint (AzureAd) and Graph.</summary>
    public static Dictionary<string, string> GraphSyncSettings(FakeEntraAuthority entra, FakeGraph graph, int pageSize = 999)
    {
        var settings = new Dictionary<string, string>(entra.AppTokenSettings)
        {
            ["Notices:Graph:BaseUrl"] = graph.BaseUrl,
            ["Notices:Graph:Sync:PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture),
        };
        return settings;
    }

    /// <summary>The service on <paramref name="database"/>, syncing from <paramref name="graph"/> with tokens from <paramref name="entra"/>.</summary>
    public static NoticesAppFactory GraphSyncApp(TestDatabase database, FakeEntraAuthority entra, FakeGraph graph, int pageSize = 999) =>
        new(database, GraphSyncSettings(entra, graph, pageSize), configureServices: services =>
        {
            TestAuthentication.Use(services);
            entra.UseForAppTokens(services);
        });

    public static async Task<DirectorySyncOutcome> SyncDirectoryAsync(this NoticesAppFactory app, bool full = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IDirectorySync>().SyncAsync(full);
    }

    /// <summary>
    /// An agency of <paramref name="count"/> valid users: u00000 is the head, everyone else reports to the user
    /// <c>(i - 1) / 10</c>. Series in extensionAttribute1, pay plan and grade in extensionAttribute2 ("GS-12").
    /// </summary>
    public static FakeGraphUser[] Agency(int count, int firstIndex = 0) =>
        Enumerable.Range(firstIndex, count).Select(i => Employee(i, i == 0 ? null : UserId((i - 1) / 10))).ToArray();

    public static string UserId(int index) => string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{index:D12}");

    public static string EmployeeIdOf(int index) => string.Create(CultureInfo.InvariantCulture, $"E{index:D6}");

    public static FakeGraphUser Employee(int index, string? managerId)
    {
        var user = new FakeGraphUser
        {
            Id = UserId(index),
            EmployeeId = EmployeeIdOf(index),
            DisplayName = string.Create(CultureInfo.InvariantCulture, $"Employee {index}"),
            Mail = string.Create(CultureInfo.InvariantCulture, $"employee.{index}@agency.example"),
            UserPrincipalName = string.Create(CultureInfo.InvariantCulture, $"employee.{index}@agency.example"),
            JobTitle = index == 0 ? "Director" : "Program Analyst",
            Department = string.Create(CultureInfo.InvariantCulture, $"Agency/Office {index % 7}"),
            City = "Denver",
            State = "CO",
            Division = "Operations",
            CostCenter = "CC-100",
            ManagerId = managerId,
        };
        user.Extensions[0] = "0343";
        user.Extensions[1] = index == 0 ? "SES" : "GS-12";
        return user;
    }
}
