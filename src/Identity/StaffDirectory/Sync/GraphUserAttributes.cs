using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>
/// A Graph user as flat attributes (<c>jobTitle</c>, <c>employeeOrgData.division</c>, <c>extensionAttribute2</c>...),
/// holding only what the response carried: a delta names a changed user with at least its changed properties, so an
/// absent attribute means "unchanged", while a present null means "cleared".
/// </summary>
internal static class GraphUserAttributes
{
    public const string Id = "id", EmployeeId = "employeeId", DisplayName = "displayName", Mail = "mail",
        UserPrincipalName = "userPrincipalName", AccountEnabled = "accountEnabled", Manager = "manager";

    private const string EmployeeOrgData = "employeeOrgData", Extensions = "onPremisesExtensionAttributes";

    /// <summary>The user properties asked for with <c>$select</c>.</summary>
    public static readonly string[] Select =
    [
        Id, EmployeeId, DisplayName, Mail, UserPrincipalName, "jobTitle", "department", "officeLocation", "city", "state",
        AccountEnabled, EmployeeOrgData, Extensions,
    ];

    private static readonly string[] Plain = [EmployeeId, DisplayName, Mail, UserPrincipalName, "jobTitle", "department", "officeLocation", "city", "state"];

    /// <summary>The attributes a mapping may name.</summary>
    public static readonly FrozenSet<string> Sources = Plain
        .Concat(["employeeOrgData.division", "employeeOrgData.costCenter"])
        .Concat(Enumerable.Range(1, 15).Select(i => string.Create(CultureInfo.InvariantCulture, $"extensionAttribute{i}")))
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The attributes present on <paramref name="user"/>, with the manager's Graph id under <see cref="Manager"/>.</summary>
    public static Dictionary<string, string?> Read(User user)
    {
        var present = user.BackingStore.Enumerate().Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Plain)
        {
            if (present.Contains(name))
            {
                attributes[name] = user.BackingStore.Get<string>(name);
            }
        }

        if (present.Contains(AccountEnabled))
        {
            attributes[AccountEnabled] = user.AccountEnabled is { } enabled ? (enabled ? "true" : "false") : null;
        }

        if (present.Contains(EmployeeOrgData))
        {
            attributes["employeeOrgData.division"] = user.EmployeeOrgData?.Division;
            attributes["employeeOrgData.costCenter"] = user.EmployeeOrgData?.CostCenter;
        }

        if (present.Contains(Extensions))
        {
            var e = user.OnPremisesExtensionAttributes;
            string?[] values =
            [
                e?.ExtensionAttribute1, e?.ExtensionAttribute2, e?.ExtensionAttribute3, e?.ExtensionAttribute4, e?.ExtensionAttribute5,
                e?.ExtensionAttribute6, e?.ExtensionAttribute7, e?.ExtensionAttribute8, e?.ExtensionAttribute9, e?.ExtensionAttribute10,
                e?.ExtensionAttribute11, e?.ExtensionAttribute12, e?.ExtensionAttribute13, e?.ExtensionAttribute14, e?.ExtensionAttribute15,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                attributes[string.Create(CultureInfo.InvariantCulture, $"extensionAttribute{i + 1}")] = values[i];
            }
        }

        // GET users?$expand=manager gives the manager object; users/delta?$expand=manager gives "manager@delta".
        if (present.Contains(Manager))
        {
            attributes[Manager] = user.Manager?.Id;
        }
        else if (user.AdditionalData.TryGetValue("manager@delta", out var delta) && delta is UntypedArray managers)
        {
            attributes[Manager] = null;
            foreach (var node in managers.GetValue())
            {
                if (node is UntypedObject manager
                    && !manager.GetValue().ContainsKey("@removed")
                    && manager.GetValue().TryGetValue("id", out var id) && id is UntypedString idText)
                {
                    attributes[Manager] = idText.GetValue();
                }
            }
        }

        return attributes;
    }

    /// <summary>A delta entry for a deleted (or soft-deleted) user: <c>"@removed": { "reason": ... }</c>.</summary>
    public static bool IsRemoved(User user) => user.AdditionalData.ContainsKey("@removed");
}

/// <summary>One Graph user as read (a full read) or as changed (a delta), merged when a delta names it more than once.</summary>
internal sealed class GraphUserChange(string id)
{
    public string Id { get; } = id;

    public Dictionary<string, string?> Attributes { get; } = new(StringComparer.Ordinal);

    public bool Removed { get; set; }

    /// <summary>How problems name the user: its UPN when known, and its Graph id.</summary>
    public string Label => Attributes.TryGetValue(GraphUserAttributes.UserPrincipalName, out var upn) && upn is { Length: > 0 }
        ? $"user {upn} ({Id})"
        : $"user {Id}";

    public void Merge(Dictionary<string, string?> attributes, bool removed)
    {
        Removed = removed;
        foreach (var (key, value) in attributes)
        {
            Attributes[key] = value;
        }
    }
}
