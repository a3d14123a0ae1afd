using Litiges.Inbound;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Litiges.UnitTests.Inbound;

public sealed class ReplyTests
{
    private static readonly ReplyAddress Addresses = new(Options.Create(new InboundOptions
    {
        Address = "litiges@inbound.test",
        TokenKey = Convert.ToBase64String(new byte[32]),
    }));

    [Fact]
    public void A_reply_address_reads_back_for_its_recipient_only()
    {
        var address = Addresses.For(42, "Alice@Alpha.test");

        Assert.StartsWith("litiges+42-", address, StringComparison.Ordinal);
        Assert.Equal(new ReplyToken(42), Addresses.TryRead(address, "alice@alpha.test"));
        Assert.Equal(new ReplyToken(42), Addresses.TryRead(address.ToUpperInvariant(), "alice@alpha.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead(address, "carol@alpha.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead(address.Replace("+42-", "+43-", StringComparison.Ordinal), "alice@alpha.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead("litiges+42@inbound.test", "alice@alpha.test"));
        Assert.Null(Addresses.TryRead("litiges@inbound.test", "alice@alpha.test"));
        Assert.Null(Addresses.TryRead("someone+42-abc@elsewhere.test", "alice@alpha.test"));
    }

    [Fact]
    public void A_tasks_reply_address_reads_back_for_its_recipient_and_never_as_a_disputes()
    {
        var task = Addresses.ForTask(42, "Remi@Staff.test");
        var dispute = Addresses.For(42, "remi@staff.test");

        Assert.StartsWith("litiges+t42-", task, StringComparison.Ordinal);
        Assert.Equal(new ReplyToken(42, ReplyTarget.Task), Addresses.TryRead(task, "remi@staff.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead(task, "agnes@staff.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead(task.Replace("+t42-", "+t43-", StringComparison.Ordinal), "remi@staff.test"));

        // The same number and recipient, each signature put on the other's form.
        Assert.Same(ReplyToken.Bad, Addresses.TryRead(dispute.Replace("+42-", "+t42-", StringComparison.Ordinal), "remi@staff.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead(task.Replace("+t42-", "+42-", StringComparison.Ordinal), "remi@staff.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead("litiges+t-abcdefghijklmnop@inbound.test", "remi@staff.test"));
        Assert.Same(ReplyToken.Bad, Addresses.TryRead("litiges+tt42-abcdefghijklmnop@inbound.test", "remi@staff.test"));
    }

    [Theory]
    [InlineData("Merci, voici le document.\n\nLe mar. 2 déc. 2026 à 10:00, Litiges <litiges@example.com> a écrit :\n> Bonjour\n> Pouvez-vous…")]
    [InlineData("Merci, voici le document.\n\nOn Tue, Dec 2, 2026 at 10:00 AM Litiges <litiges@example.com> wrote:\n> Hello")]
    [InlineData("Merci, voici le document.\n-- \nAlice Alpha\nAlpha Industries")]
    [InlineData("Merci, voici le document.\n\n-----Original Message-----\nFrom: Litiges\nSent: Tuesday")]
    [InlineData("Merci, voici le document.\n\nEnvoyé de mon iPhone")]
    [InlineData("> quoted first\nMerci, voici le document.\n> quoted after")]
    public void Quoted_history_and_signatures_are_stripped_from_a_text_reply(string body) =>
        Assert.Equal("Merci, voici le document.", ReplyText.Strip(body));

    [Fact]
    public void An_html_reply_loses_its_tags_and_quoted_blocks()
    {
        var message = new MimeMessage
        {
            Body = new TextPart("html") { Text = "<html><head><style>p{}</style></head><body><p>Merci, voici le document.</p><div class=\"gmail_quote\">Le 2 déc. a écrit :<blockquote>Bonjour &amp; merci</blockquote></div></body></html>" },
        };

        Assert.Equal("Merci, voici le document.", ReplyText.Extract(message));
    }

    [Fact]
    public void Automatic_replies_are_told_by_their_headers()
    {
        static MimeMessage With(string header, string value)
        {
            var message = new MimeMessage();
            message.Headers.Add(header, value);
            return message;
        }

        Assert.True(InboundMailbox.IsAutomatic(With("Auto-Submitted", "auto-replied")));
        Assert.True(InboundMailbox.IsAutomatic(With("Precedence", "auto_reply")));
        Assert.True(InboundMailbox.IsAutomatic(With("X-Autoreply", "yes")));
        Assert.False(InboundMailbox.IsAutomatic(With("Auto-Submitted", "no")));
        Assert.False(InboundMailbox.IsAutomatic(new MimeMessage()));
    }
}
