using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ribalta.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL server on a free loopback port, in a temporary directory, for one test run.
/// Uses Debian's binaries (initdb, pg_ctl); as root they run as the postgres user, since initdb refuses root.
/// Set RIBALTA_TEST_POSTGRES to a connection string to use an existing server instead.
/// Never skips: without PostgreSQL the tests that need it fail with the reason.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;
    private readonly bool _asPostgresUser;

    private PostgresServer(string connectionString, string? dataDirectory, string? binDirectory, bool asPostgresUser)
    {
        ConnectionString = connectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>Connection string to the server's maintenance database; tests add their own database name.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("RIBALTA_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, null, null, false);
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Run ./test.sh, which installs it, or `apt-get install postgresql`.");
        }

        var asPostgresUser = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), "ribalta-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        }

        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"], asPostgresUser);
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50", root, bin, asPostgresUser) { _port = port };
        await server.PgCtlAsync("start");
        return server;
    }

    private int _port;

    /// <summary>Stops the server as an operator would (<c>pg_ctl stop -m fast</c>: sessions are ended, commits are kept).</summary>
    public Task StopAsync() => PgCtlAsync("stop", "-m", "fast");

    /// <summary>Starts the stopped server again on the same port.</summary>
    public Task StartAgainAsync() => PgCtlAsync("start");

    private Task PgCtlAsync(string command, params string[] extra)
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            throw new InvalidOperationException("An external server (RIBALTA_TEST_POSTGRES) cannot be stopped or started by the tests.");
        }

        return RunAsync(Path.Combine(_binDirectory, "pg_ctl"),
        [
            "-D", Path.Combine(_dataDirectory, "data"), "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            command, .. extra,
        ], _asPostgresUser);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", Path.Combine(_dataDirectory, "data"), "-m", "immediate", "stop"], _asPostgresUser);
        }
        finally
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A stopped server may still be releasing files; the temp directory is cleaned by the OS.
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }
}
