using Microsoft.Extensions.Configuration;
using Notices.Identity.Database;

namespace Notices.Identity.Tests;

public sealed class DataPathsTests
{
    [Fact]
    public void Mailboxes_live_under_the_configured_data_directory()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DataPaths.Key] = "/srv/notices" })
            .Build();

        var paths = DataPaths.From(configuration);

        Assert.Equal("/srv/notices/mailbox/outgoing", paths.OutgoingMailbox);
        Assert.Equal("/srv/notices/mailbox/incoming", paths.IncomingMailbox);
        Assert.Equal("/srv/notices/notices.db", paths.SqliteFile);
    }
}
