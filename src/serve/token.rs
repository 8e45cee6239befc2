//! The ingest API's bearer token: read from `--token-file` or `AHNB_TOKEN`, or generated at
//! start, and compared with what a request sends without leaking its length of match in time.

use std::path::Path;

/// Shortest token accepted from a file or the environment: shorter ones can be guessed.
pub const MIN_TOKEN_BYTES: usize = 16;

/// Where the token came from; a generated one is only good enough for a loopback address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    File,
    Environment,
    Generated,
}

/// The secret a writer must send as `Authorization: Bearer TOKEN`.
#[derive(Clone)]
pub struct Token {
    secret: String,
    pub source: TokenSource,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret by accident (logs, panics).
        f.debug_struct("Token")
            .field("source", &self.source)
            .finish()
    }
}

impl Token {
    /// The token from `file`, else from `environment` (the value of `AHNB_TOKEN`), else a new
    /// random one.
    pub fn choose(file: Option<&Path>, environment: Option<String>) -> Result<Token, String> {
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the token file '{}': {e}", path.display()))?;
            return Token::checked(text.trim(), TokenSource::File)
                .map_err(|m| format!("the token in '{}' {m}", path.display()));
        }
        if let Some(value) = environment.filter(|v| !v.trim().is_empty()) {
            return Token::checked(value.trim(), TokenSource::Environment)
                .map_err(|m| format!("AHNB_TOKEN {m}"));
        }
        Token::generate()
    }

    fn checked(secret: &str, source: TokenSource) -> Result<Token, String> {
        if secret.len() < MIN_TOKEN_BYTES {
            return Err(format!(
                "is {} characters long; use at least {MIN_TOKEN_BYTES} (for example `openssl rand -hex 32`)",
                secret.len()
            ));
        }
        if let Some(c) = secret.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "contains the character U+{:04X}; a bearer token is one word",
                c as u32
            ));
        }
        Ok(Token {
            secret: secret.to_owned(),
            source,
        })
    }

    /// 32 random bytes from the operating system, as hex.
    pub fn generate() -> Result<Token, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("cannot generate a token: {e}"))?;
        let secret = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Token {
            secret,
            source: TokenSource::Generated,
        })
    }

    /// The secret, to print once at start.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Whether an `Authorization` header value carries this token. Every byte is compared
    /// whatever the first difference, so the time taken says nothing about the secret.
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some(sent) = value.strip_prefix(b"Bearer ") else {
            return false;
        };
        let expected = self.secret.as_bytes();
        let mut difference = (sent.len() ^ expected.len()) as u64;
        for (i, &byte) in sent.iter().enumerate() {
            difference |= u64::from(byte ^ expected[i % expected.len()]);
        }
        difference == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_exact_bearer_token() {
        let token = Token::checked("0123456789abcdef0123", TokenSource::Environment).unwrap();
        assert!(token.accepts(Some(b"Bearer 0123456789abcdef0123")));
        assert!(!token.accepts(Some(b"Bearer 0123456789abcdef012")));
        assert!(!token.accepts(Some(b"Bearer 0123456789abcdef01234")));
        assert!(!token.accepts(Some(b"Bearer 0123456789abcdef0124")));
        assert!(!token.accepts(Some(b"bearer 0123456789abcdef0123")));
        assert!(!token.accepts(Some(b"0123456789abcdef0123")));
        assert!(!token.accepts(Some(b"Bearer ")));
        assert!(!token.accepts(None));
    }

    #[test]
    fn generated_tokens_are_long_and_differ() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_eq!(a.secret().len(), 64);
        assert_ne!(a.secret(), b.secret());
        assert_eq!(a.source, TokenSource::Generated);
    }

    #[test]
    fn a_file_beats_the_environment_and_short_tokens_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "file-token-0123456789\n").unwrap();
        let token = Token::choose(Some(&file), Some("env-token-0123456789".into())).unwrap();
        assert_eq!(token.secret(), "file-token-0123456789");
        assert_eq!(token.source, TokenSource::File);
        let token = Token::choose(None, Some("env-token-0123456789".into())).unwrap();
        assert_eq!(token.source, TokenSource::Environment);
        assert_eq!(
            Token::choose(None, Some("short".into())).unwrap_err(),
            "AHNB_TOKEN is 5 characters long; use at least 16 (for example `openssl rand -hex 32`)"
        );
        assert_eq!(
            Token::choose(None, Some(" ".into())).unwrap().source,
            TokenSource::Generated
        );
    }
}
