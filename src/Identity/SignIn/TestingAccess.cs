using System.Runtime.CompilerServices;

// The shared test support library seeds the directory through DirectoryDbContext (see tests/Notices.Testing/SignInIntents.cs).
[assembly: InternalsVisibleTo("Notices.Testing")]
