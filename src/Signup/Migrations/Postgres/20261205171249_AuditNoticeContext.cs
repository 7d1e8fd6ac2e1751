using Microsoft.EntityFrameworkCore.Migrations;
using Notices.Identity.Audit;

#nullable disable

namespace Notices.Signup.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditNoticeContext : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Answers and approvals recorded before the trail had a context: they belong to their notice and concern their employee.
            var trail = AuditTrailMigrations.Table(migrationBuilder);
            AuditTrailMigrations.Backfill(migrationBuilder, $"""
                UPDATE {trail} AS t SET "ContextKind" = 'notice', "ContextId" = r."NoticeId"::text, "AboutPerson" = r."EmployeeId"
                FROM signup.responses AS r WHERE t."SubjectKind" = 'response' AND t."SubjectId" = r."Id"::text;
                UPDATE {trail} AS t SET "ContextKind" = 'notice', "ContextId" = a."NoticeId"::text, "AboutPerson" = a."EmployeeId"
                FROM signup.approval_requests AS a WHERE t."SubjectKind" = 'approval' AND t."SubjectId" = a."Id"::text;
                UPDATE {trail} AS t SET "AboutPerson" = d."DelegateEmployeeId"
                FROM signup.delegations AS d WHERE t."SubjectKind" = 'delegation' AND t."Action" = 'delegation.added' AND t."SubjectId" = d."Id"::text;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The filled-in context stays: Identity's migration drops the columns when it is rolled back.
        }
    }
}
