using Notices.Identity.StaffDirectory;

namespace Notices.Identity.Tests;

public sealed class DirectoryRulesTests
{
    [Theory]
    [InlineData("ann.lee@agency.example")]
    [InlineData("Ann.O'Brien+hr@sub.agency.example")]
    [InlineData("a@b.co")]
    public void Plain_work_addresses_are_valid(string email) => Assert.True(EmailRules.IsValid(email));

    [Theory]
    [InlineData("")]
    [InlineData("ann")]
    [InlineData("@agency.example")]
    [InlineData("ann@")]
    [InlineData("ann@agency")]
    [InlineData("ann@@agency.example")]
    [InlineData("ann lee@agency.example")]
    [InlineData(".ann@agency.example")]
    [InlineData("ann..lee@agency.example")]
    [InlineData("ann@-agency.example")]
    [InlineData("ann@agency..example")]
    [InlineData("Ann <ann@agency.example>")]
    [InlineData("\"ann\"@agency.example")]
    [InlineData("ann@[10.0.0.1]")]
    [InlineData("ann@agency.example\r\nBcc: x@y.z")]
    public void Anything_else_is_not(string email) => Assert.False(EmailRules.IsValid(email));

    [Theory]
    [InlineData("USCIS", true)]
    [InlineData("USCIS/Field Operations Directorate/Boston Field Office", true)]
    [InlineData("USCIS//Boston", false)]
    [InlineData("/USCIS", false)]
    [InlineData("USCIS/", false)]
    [InlineData("USCIS/ Boston", false)]
    public void Organisation_paths_have_no_empty_or_padded_segments(string path, bool valid) =>
        Assert.Equal(valid, OrganizationPath.IsValid(path));

    [Fact]
    public void Executives_rank_above_every_grade() =>
        Assert.True(PayPlans.Rank("SES", null) > PayPlans.Rank("GS", 15));
}
