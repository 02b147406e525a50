using Ribalta.Platform.Localization;

namespace Ribalta.Channels.Email;

/// <summary>
/// What the mailbox form binds to: a new mailbox's defaults, or a mailbox as it is with its passwords left empty
/// (kept unless typed again); converts to the API's <see cref="MailboxInput"/>. Public because the form component that
/// binds to it is (Razor makes it so); a record, as a module's public data shapes are.
/// </summary>
public sealed record MailboxFormModel
{
    public string? Name { get; set; }

    public string? Address { get; set; }

    public string? SenderName { get; set; }

    public bool Enabled { get; set; } = true;

    public bool IsDefault { get; set; }

    public Guid? DepartmentId { get; set; }

    public MailProtocol Protocol { get; set; } = MailProtocol.Imap;

    public MailSecurity InboundSecurity { get; set; } = MailSecurity.Tls;

    public string? InboundHost { get; set; }

    public int? InboundPort { get; set; }

    public string? InboundUser { get; set; }

    public string? InboundPassword { get; set; }

    public string? Folder { get; set; }

    public int PollSeconds { get; set; } = 60;

    public AfterImport AfterImport { get; set; } = AfterImport.MarkSeen;

    public string? SmtpHost { get; set; }

    public MailSecurity SmtpSecurity { get; set; } = MailSecurity.StartTls;

    public int? SmtpPort { get; set; }

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>One signature a language, empty where there is none.</summary>
    public Dictionary<string, string> Signatures { get; init; } = SupportedCultures.Codes.ToDictionary(c => c, _ => "");

    public MailboxInput ToInput() => new(
        Name, Address, SenderName, Enabled, Protocol, InboundHost, InboundPort, InboundSecurity, InboundUser, InboundPassword, Folder, AfterImport, PollSeconds,
        SmtpHost, SmtpPort, SmtpSecurity, SmtpUser, SmtpPassword, Signatures, IsDefault, DepartmentId);

    public static MailboxFormModel From(MailboxDto mailbox) => new()
    {
        Name = mailbox.Name,
        Address = mailbox.Address,
        SenderName = mailbox.SenderName,
        Enabled = mailbox.Enabled,
        IsDefault = mailbox.IsDefault,
        DepartmentId = mailbox.DepartmentId,
        Protocol = mailbox.InboundProtocol,
        InboundSecurity = mailbox.InboundSecurity,
        InboundHost = mailbox.InboundHost,
        InboundPort = mailbox.InboundPort,
        InboundUser = mailbox.InboundUser,
        Folder = mailbox.Folder,
        PollSeconds = mailbox.PollSeconds,
        AfterImport = mailbox.AfterImport,
        SmtpHost = mailbox.SmtpHost,
        SmtpSecurity = mailbox.SmtpSecurity,

        // Without an SMTP server of its own a mailbox stores port 0: the field stays empty, so a server typed later gets its usual port.
        SmtpPort = mailbox.SmtpHost is null ? null : mailbox.SmtpPort,
        SmtpUser = mailbox.SmtpUser,
        Signatures = SupportedCultures.Codes.ToDictionary(c => c, c => mailbox.Signatures.GetValueOrDefault(c) ?? ""),
    };
}
