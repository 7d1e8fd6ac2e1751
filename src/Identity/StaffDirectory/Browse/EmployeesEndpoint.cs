using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Notices.Identity.StaffDirectory.Browse;

internal sealed record EmployeeList(int Total, int Page, int PageSize, IReadOnlyList<StaffMember> Items);

internal static class EmployeesEndpoint
{
    public static async Task<Results<Ok<EmployeeList>, ValidationProblem>> HandleAsync(
        IStaffDirectory directory,
        [FromQuery] string? series,
        [FromQuery] string? payPlan,
        [FromQuery] string? grade,
        [FromQuery] string? org,
        [FromQuery] string? state,
        [FromQuery] string? status,
        [FromQuery] string? page,
        [FromQuery] string? pageSize,
        CancellationToken cancellationToken)
    {
        var (query, errors) = DirectoryQuery.Parse(series, payPlan, grade, org, state, status, page, pageSize);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await directory.PageAsync(query.Filter, query.Page, query.PageSize, cancellationToken);
        return TypedResults.Ok(new EmployeeList(result.Total, query.Page, query.PageSize, result.Items));
    }
}
