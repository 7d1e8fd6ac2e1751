using Notices.Identity.Authorization;
using Notices.Reporting.Agency;
using Notices.Reporting.AuditLog;
using Notices.Reporting.Dashboard;
using Notices.Reporting.Roster;

namespace Notices.Reporting;

/// <summary>
/// Tracking a notice after release: the per-notice dashboard, the agency view, roster exports and the audit trail
/// for admins (pages and API). Counts come from tallies kept as each answer, decision and delivery outcome is written.
/// </summary>
internal static class ReportingModule
{
    public static WebApplicationBuilder AddReporting(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DeliveryTallyQuery>();
        builder.Services.AddScoped<NoticeDashboardQuery>();
        builder.Services.AddScoped<AgencyDashboardQuery>();
        builder.Services.AddScoped<AuditSearch>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReporting(this IEndpointRouteBuilder endpoints)
    {
        var readers = endpoints.MapGroup("/api").RequireAuthorization(NoticesPolicies.ResponsesReader).WithTags("Reporting");
        readers.MapGet("/notices/{id:guid}/dashboard", DashboardEndpoints.NoticeAsync).WithName("GetNoticeDashboard");
        readers.MapGet("/dashboard", DashboardEndpoints.AgencyAsync).WithName("GetAgencyDashboard");
        readers.MapGet("/notices/{id:guid}/roster", RosterEndpoint.HandleAsync).WithName("ExportRoster");

        var admins = endpoints.MapGroup("/api/audit").RequireAuthorization(NoticesPolicies.Admin).WithTags("Audit");
        admins.MapGet("", AuditEndpoints.SearchAsync).WithName("SearchAudit");
        admins.MapGet("/export", AuditEndpoints.ExportAsync).WithName("ExportAudit");
        return endpoints;
    }
}
