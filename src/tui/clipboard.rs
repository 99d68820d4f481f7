//! The clipboard through the terminal: OSC 52, which works over ssh when
//! the terminal allows it (most do; tmux needs `set-clipboard on`). The
//! text is base64-encoded, so nothing in it can reach the terminal as a
//! control sequence.

use base64::Engine;

/// The escape sequence that puts `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_base64_and_carries_no_escape() {
        let s = osc52("a\x1b]0;pwned\x07b");
        assert!(s.starts_with("\x1b]52;c;"));
        assert!(s.ends_with('\x07'));
        let body = &s[7..s.len() - 1];
        assert!(body.chars().all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)));
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(body).unwrap(), b"a\x1b]0;pwned\x07b");
    }
}
