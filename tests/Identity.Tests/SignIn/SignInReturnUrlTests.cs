using Notices.Identity.SignIn;

namespace Notices.Identity.Tests;

public sealed class SignInReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/notices/42?tab=responses")]
    [InlineData("/a/b#section")]
    public void A_path_on_this_site_is_a_local_return_address(string url) => Assert.True(LocalReturnUrl.IsLocal(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("\\\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("notices")]
    [InlineData("/ok\r\nSet-Cookie: x=1")]
    public void Anything_that_could_leave_the_site_is_not_a_local_return_address(string? url) => Assert.False(LocalReturnUrl.IsLocal(url));
}
