using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Ribalta.Cases.Contracts;
using Ribalta.Channels.Email;
using Ribalta.Tests.Infrastructure;
using Xunit;

namespace Ribalta.Tests.Integration.Channels;

/// <summary>
/// Mail in legacy charsets, read by the service as operators start it: a process of its own (<c>dotnet Ribalta.dll</c>),
/// whose first mail is plain text, so no HTML has been parsed yet. In the test process the code pages are registered
/// by whatever ran first (AngleSharp registers them the first time it parses HTML), so only a fresh process shows
/// whether the service registers them itself.
/// </summary>
[Trait("Suite", "Sqlite")]
public sealed partial class LegacyCharsetTests(MailServers mail) : IClassFixture<MailServers>
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Email", "Legacy");

    public static readonly (string File, string Subject, string Words)[] Expected =
    [
        ("01-windows-1252.eml", "Café “quoted” €uro", "Bonjour, le prix affiché était de 49 €, mais on m’a facturé 59 € – pourquoi ? « Merci » d’avance, Clément."),
        ("02-windows-1256.eml", "طلب استرداد المبلغ", "مرحبا، أرجو استرداد المبلغ لأن الطلب وصل تالفاً. شكراً، أحمد حسن"),
        ("03-shift_jis.eml", "注文の件について", "こんにちは。注文した商品がまだ届いていません。確認をお願いします。山田"),
        ("04-koi8-r.eml", "Заказ не доставлен", "Здравствуйте! Мой заказ до сих пор не доставлен. Иван Петров"),
        ("05-iso-2022-jp.eml", "請求書の再発行", "お世話になっております。請求書を再発行していただけますか。佐藤"),
        ("06-big5.eml", "退款申請", "您好，我的訂單已經取消，請問何時可以退款？陳大文"),
        ("07-euc-kr.eml", "배송 문의", "안녕하세요. 주문한 상품이 아직 도착하지 않았습니다. 김민수"),
        ("08-iso-8859-7.eml", "Ερώτηση για την παραγγελία", "Καλημέρα, η παραγγελία μου δεν έφτασε ακόμα. Ευχαριστώ, Γιώργος"),
    ];

    [Fact]
    public async Task A_freshly_started_service_reads_legacy_charsets_before_any_html_was_parsed()
    {
        foreach (var (file, _, _) in Expected)
        {
            await mail.DeliverAsync("imap1", await File.ReadAllBytesAsync(Path.Combine(Folder, file)));
        }

        await using var service = await ServiceProcess.StartAsync();
        var admin = await service.SetUpAdministratorAsync();
        var mailbox = await admin.CreateMailboxAsync(mail.MailboxOf("imap1"));
        Assert.Equal(Expected.Length, (await admin.PollAsync(mailbox.Id)).Landed);

        var cases = (await admin.GetFromJsonAsync<CasePage>("/api/v1/cases?view=All&limit=50", Api.Json))!.Items;
        Assert.Equal(Expected.Select(e => e.Subject).Order(StringComparer.Ordinal), cases.Select(c => c.Subject).Order(StringComparer.Ordinal));
        foreach (var (_, subject, words) in Expected)
        {
            var caseId = cases.Single(c => c.Subject == subject).Id;
            var messages = (await admin.GetFromJsonAsync<MessagePage>($"/api/v1/cases/{caseId}/messages", Api.Json))!.Items;
            Assert.Equal(words, messages[0].Body.Trim());
        }
    }

    /// <summary>The application in a child process, on a SQLite file of its own, set up through its first-run token.</summary>
    private sealed partial class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _directory;
        private readonly TaskCompletionSource<string> _token = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _output = [];

        private ServiceProcess(Process process, string directory, string url)
        {
            _process = process;
            _directory = directory;
            Url = url;
        }

        public string Url { get; }

        public static async Task<ServiceProcess> StartAsync()
        {
            var directory = Path.Combine(Path.GetTempPath(), "ribalta-fresh-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(directory);
            var url = $"http://127.0.0.1:{PostgresServer.FreePort()}";
            var info = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location])
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
            info.Environment["ASPNETCORE_URLS"] = url;
            info.Environment["Database__Provider"] = "Sqlite";
            info.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(directory, "ribalta.db")};Foreign Keys=True";
            info.Environment["Database__DataDirectory"] = directory;
            info.Environment["PublicUrl"] = "https://desk.ribalta.test";

            // The test's Dovecot listens on loopback, which the outbound guard refuses unless allowed, as an administrator would.
            info.Environment["Outbound__AllowedHosts__0"] = "127.0.0.1";
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            // The test checks the mailbox itself; the poller's own round would race it for the same mail.
            info.Environment["Email__PollerTick"] = "01:00:00";
            var service = new ServiceProcess(Process.Start(info)!, directory, url);
            service._process.OutputDataReceived += (_, e) => service.Read(e.Data);
            service._process.ErrorDataReceived += (_, e) => service.Read(e.Data);
            service._process.BeginOutputReadLine();
            service._process.BeginErrorReadLine();
            await Task.WhenAny(service._token.Task, service._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
            if (!service._token.Task.IsCompleted)
            {
                var output = service.Output();
                await service.DisposeAsync();
                throw new InvalidOperationException("The service did not offer first-run set-up. Its output:\n" + output);
            }

            return service;
        }

        public async Task<HttpClient> SetUpAdministratorAsync()
        {
            var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };
            var token = await _token.Task;
            var setup = await client.PostAsJsonAsync("/api/v1/setup", new { token, email = "root@acme.test", displayName = "Root", password = RibaltaApp.Password });
            Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
            var session = await client.PostAsJsonAsync("/api/v1/session", new { email = "root@acme.test", password = RibaltaApp.Password });
            Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
            return client;
        }

        private void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Add(line);
            }

            if (SetupToken().Match(line) is { Success: true } found)
            {
                _token.TrySetResult(found.Groups[1].Value);
            }
        }

        private string Output()
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        [GeneratedRegex(@"setup\?token=([A-Za-z0-9_\-]+)")]
        private static partial Regex SetupToken();
    }
}
