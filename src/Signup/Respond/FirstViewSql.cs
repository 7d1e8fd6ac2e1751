using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Notices.Signup.Database;
using Notices.Signup.Responses;

namespace Notices.Signup.Respond;

/// <summary>
/// The one statement that records a first view: <c>INSERT … ON CONFLICT DO NOTHING</c>, which PostgreSQL and SQLite
/// (3.24+) both accept, against the unique (notice, employee) index. Table and column names come from the model, so a
/// mapping change cannot leave the SQL behind. Parameters: notice id, employee id, first viewed at, updated at.
/// </summary>
internal static class FirstViewSql
{
    private static readonly ConcurrentDictionary<Type, string> Built = new();

    public static string For(SignupDbContext db) => Built.GetOrAdd(db.GetType(), _ => Build(db));

    private static string Build(SignupDbContext db)
    {
        var sql = db.GetService<Microsoft.EntityFrameworkCore.Storage.ISqlGenerationHelper>();
        var entity = db.Model.FindEntityType(typeof(SignupResponse))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

        var empty = System.Text.Json.JsonSerializer.Serialize(new List<string>());
        var no = db.Database.IsNpgsql() ? "FALSE" : "0";
        return $$"""
            INSERT INTO {{sql.DelimitIdentifier(table.Name, table.Schema)}}
                ({{Column(nameof(SignupResponse.NoticeId))}}, {{Column(nameof(SignupResponse.EmployeeId))}},
                 {{Column(nameof(SignupResponse.FirstViewedAt))}}, {{Column(nameof(SignupResponse.UpdatedAt))}},
                 {{Column(nameof(SignupResponse.Preferences))}}, {{Column(nameof(SignupResponse.Experience))}},
                 {{Column(nameof(SignupResponse.Acknowledged))}}, {{Column(nameof(SignupResponse.Version))}})
            VALUES ({0}, {1}, {2}, {3}, '{{empty}}', '{{empty}}', {{no}}, 0)
            ON CONFLICT DO NOTHING
            """;
    }
}
