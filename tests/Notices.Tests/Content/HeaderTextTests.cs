using Notices.Mail;

namespace Notices.Tests.Content;

public sealed class HeaderTextTests
{
    [Theory]
    [InlineData("Volunteers needed\r\nBcc: everyone@agency.example")]
    [InlineData("Line\nbreak")]
    [InlineData("Carriage\rreturn")]
    [InlineData("Next\u0085line")]
    [InlineData("Line\u2028separator")]
    [InlineData("Paragraph\u2029separator")]
    [InlineData("Tab\there")]
    [InlineData("Nul\0byte")]
    [InlineData("Escape\u001b[31m")]
    [InlineData("C1\u009bcontrol")]
    [InlineData("Right-to-left \u202Eoverride")]
    [InlineData("Isolate \u2066x\u2069")]
    public void A_header_field_with_a_line_break_or_control_character_is_rejected_naming_the_field(string value)
    {
        var exception = Assert.Throws<InvalidMailHeaderException>(() => HeaderText.Validate(value, "Title"));

        Assert.Equal("Title", exception.ParamName);
        Assert.Contains("Title", exception.Message, StringComparison.Ordinal);
        Assert.False(HeaderText.IsValid(value));
    }

    [Theory]
    [InlineData("Volunteers needed: 60-day detail, El Paso — apply by 5 Jan")]
    [InlineData("Détachement à Montréal (Québec) ✓")]
    [InlineData("")]
    public void An_ordinary_single_line_value_is_accepted_unchanged(string value)
    {
        Assert.Same(value, HeaderText.Validate(value, "Title"));
        Assert.True(HeaderText.IsValid(value));
    }
}
