using System.Reflection;
using System.Runtime.CompilerServices;

namespace Notices.Tests;

public sealed class ModuleDependencyTests
{
    private static readonly Assembly Identity = typeof(Notices.Identity.IdentityModule).Assembly;
    private static readonly Assembly Signup = typeof(Notices.Signup.SignupModule).Assembly;

    [Fact]
    public void Identity_depends_on_neither_signup_nor_the_host()
    {
        var references = Identity.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Notices.Signup", references);
        Assert.DoesNotContain("Notices", references);
    }

    [Fact]
    public void Signup_does_not_depend_on_the_host()
    {
        var references = Signup.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Notices", references);
    }

    [Fact]
    public void No_module_lets_another_module_or_the_hosts_tests_see_its_internals()
    {
        foreach (var module in new[] { Identity, Signup })
        {
            var friends = module.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName.Split(',')[0]).ToList();

            Assert.DoesNotContain("Notices", friends);
            Assert.DoesNotContain("Notices.Identity", friends);
            Assert.DoesNotContain("Notices.Signup", friends);
            Assert.DoesNotContain("Notices.Tests", friends);
        }
    }

    [Fact]
    public void Email_templates_depend_on_no_module()
    {
        var templates = typeof(Notices.Templates.TemplatesAssembly).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Notices", templates);
        Assert.DoesNotContain("Notices.Signup", templates);
        Assert.DoesNotContain("Notices.Identity", templates);
    }
}
