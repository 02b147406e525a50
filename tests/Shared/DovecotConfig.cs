namespace Ribalta.Testing;

/// <summary>
/// A Dovecot configuration for a throw-away IMAP (and POP3) server on loopback, with its users in a passwd-file:
/// shared by the email tests and the benchmark, which both start Debian's Dovecot as a child process.
/// </summary>
internal static class DovecotConfig
{
    /// <summary>
    /// The configuration for a server whose state, log and users live under <paramref name="root"/> and whose mail is in
    /// <paramref name="mail"/>; POP3 only when <paramref name="pop3Port"/> is given. Run as root, Dovecot uses its own
    /// users; otherwise it runs as the current user.
    /// </summary>
    public static string Render(string root, string mail, int imapPort, int? pop3Port, bool asRoot)
    {
        var users = asRoot ? "" : $"default_internal_user = {Environment.UserName}\ndefault_login_user = {Environment.UserName}\n";
        var pop3 = pop3Port is { } port ? $$"""
            service pop3-login {
              inet_listener pop3 {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener pop3s {
                port = 0
              }
            }
            """ : "";
        return $$"""
            base_dir = {{root}}/run
            state_dir = {{root}}/state
            log_path = {{root}}/dovecot.log
            protocols = imap{{(pop3Port is null ? "" : " pop3")}}
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            {{users}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{root}}/users
            }
            userdb {
              driver = passwd-file
              args = username_format=%u {{root}}/users
            }
            mail_location = maildir:{{mail}}/%u
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{imapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            {{pop3}}
            """;
    }
}
