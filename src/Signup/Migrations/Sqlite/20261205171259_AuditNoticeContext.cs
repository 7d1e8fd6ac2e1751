using Microsoft.EntityFrameworkCore.Migrations;
using Notices.Identity.Audit;

#nullable disable

namespace Notices.Signup.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditNoticeContext : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Answers and approvals recorded before the trail had a context: they belong to their notice and concern their employee.
            // SQLite keeps a Guid as upper-case text; the trail writes notice ids in lower case.
            var trail = AuditTrailMigrations.Table(migrationBuilder);
            AuditTrailMigrations.Backfill(migrationBuilder, $"""
                UPDATE {trail} SET "ContextKind" = 'notice', "ContextId" = lower(r."NoticeId"), "AboutPerson" = r."EmployeeId"
                FROM responses AS r WHERE {trail}."SubjectKind" = 'response' AND {trail}."SubjectId" = CAST(r."Id" AS TEXT);
                UPDATE {trail} SET "ContextKind" = 'notice', "ContextId" = lower(a."NoticeId"), "AboutPerson" = a."EmployeeId"
                FROM approval_requests AS a WHERE {trail}."SubjectKind" = 'approval' AND {trail}."SubjectId" = CAST(a."Id" AS TEXT);
                UPDATE {trail} SET "AboutPerson" = d."DelegateEmployeeId"
                FROM delegations AS d WHERE {trail}."SubjectKind" = 'delegation' AND {trail}."Action" = 'delegation.added' AND {trail}."SubjectId" = CAST(d."Id" AS TEXT);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The filled-in context stays: Identity's migration drops the columns when it is rolled back.
        }
    }
}
