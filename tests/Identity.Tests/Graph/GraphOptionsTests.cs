using Notices.Identity.Graph;
using Notices.Identity.StaffDirectory.Sync;

namespace Notices.Identity.Tests.Graph;

public sealed class GraphOptionsTests
{
    [Theory]
    [InlineData("https://graph.microsoft.us", true)]
    [InlineData("https://dod-graph.microsoft.us/", true)]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://graph.microsoft.com", false)]
    [InlineData("https://graph.microsoft.com/v1.0", false)]
    [InlineData("https://graph.microsoft.com/?x=1", false)]
    public void Graph_base_url_must_be_https_or_loopback_without_a_path(string url, bool valid)
    {
        var result = new GraphOptionsValidator().Validate(null, new GraphOptions { BaseUrl = new Uri(url) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Notices:Graph:BaseUrl", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Graph_scope_is_the_clouds_default_scope()
    {
        var options = new GraphOptions { BaseUrl = new Uri("https://graph.microsoft.us/") };

        Assert.Equal("https://graph.microsoft.us/.default", options.AppScope);
    }

    [Fact]
    public void Mapping_to_an_attribute_the_sync_does_not_read_fails_naming_the_key()
    {
        var options = new GraphSyncOptions { Mapping = { PayPlanGrade = "extensionAttribute16", DutyCity = "employeeOrgData.costCenter" } };

        var result = new GraphSyncOptionsValidator().Validate(null, options);

        Assert.False(result.Succeeded);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Notices:Graph:Sync:Mapping:PayPlanGrade: 'extensionAttribute16' is not a Graph user attribute", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_mapping_and_interval_are_valid()
    {
        Assert.True(new GraphSyncOptionsValidator().Validate(null, new GraphSyncOptions()).Succeeded);
        Assert.False(new GraphSyncOptionsValidator().Validate(null, new GraphSyncOptions { Interval = TimeSpan.FromSeconds(5) }).Succeeded);
    }

    [Theory]
    [InlineData("GS-13", "GS", "13")]
    [InlineData("WG 10", "WG", "10")]
    [InlineData("gs07", "gs", "07")]
    [InlineData("SES", "SES", "")]
    [InlineData("", "", "")]
    [InlineData(null, "", "")]
    [InlineData("13", "13", "")]
    public void Pay_plan_and_grade_are_read_from_one_attribute(string? value, string payPlan, string grade) =>
        Assert.Equal((payPlan, grade), GraphRecordSource.SplitPayPlan(value));
}
