//! What a source's web address may be. One rule serves both `validate`
//! (which refuses or warns) and the exports (which make an address a link
//! only when the rule accepts it), so an address a reader should not click
//! is never clickable.

use url::Url;

use crate::text_safety::{self, describe};

/// Why an address is not a plain web address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressProblem {
    /// Not an address to cite at all: a control or bidi character, a space,
    /// another scheme, a user name before the host, a non-ASCII host, or
    /// something `url` cannot parse.
    Invalid(String),
    /// A parseable http(s) address holding characters an address does not
    /// (quotes, angle brackets, backslashes): shown as text, never linked.
    NotLinkable(String),
}

/// Checks `address` against the rule; `Ok` means it may become a link.
pub fn check(address: &str) -> Result<(), AddressProblem> {
    use AddressProblem::{Invalid, NotLinkable};
    let find = |bad: &dyn Fn(char) -> bool| {
        address
            .chars()
            .enumerate()
            .find(|&(_, c)| bad(c))
            .map(|(n, c)| (n + 1, c))
    };
    if let Some((n, c)) = find(&text_safety::is_unsafe) {
        return Err(Invalid(format!("holds {} at character {n}", describe(c))));
    }
    if let Some((n, c)) = find(&char::is_whitespace) {
        return Err(Invalid(format!(
            "holds a space (U+{:04X}) at character {n}",
            u32::from(c)
        )));
    }
    let Some(rest) = strip_scheme(address) else {
        return Err(Invalid(match address.split_once(':') {
            Some((scheme, _))
                if !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                format!("uses the scheme {scheme:?}; only http and https addresses are cited")
            }
            _ => "does not start with https:// or http://".to_string(),
        }));
    };
    // The authority as a reader sees it: up to the first character that ends
    // it for a browser (a backslash counts as a slash in http addresses).
    let authority = &rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err(Invalid(
            "names a user before the host (user@host): a reader may take what stands \
             before the @ for the host"
                .to_string(),
        ));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.split(':').next().unwrap_or(authority),
    };
    if host.is_empty() {
        return Err(Invalid("has no host".to_string()));
    }
    if !host.is_ascii() {
        return Err(Invalid(format!(
            "has a host with non-ASCII characters ({host:?}), which can pass for another \
             host; write it in its ASCII (xn--) form if it is genuine"
        )));
    }
    match Url::parse(address) {
        Err(e) => return Err(Invalid(format!("is not a valid web address: {e}"))),
        Ok(url) if url.host().is_none() => return Err(Invalid("has no host".to_string())),
        Ok(_) => {}
    }
    if let Some((n, c)) = find(&|c| !is_url_code_point(c)) {
        return Err(NotLinkable(format!(
            "holds {c:?} at character {n}, which a web address does not; it is shown as \
             text, not as a link"
        )));
    }
    Ok(())
}

/// Whether `address` may become a link in a report.
pub fn is_linkable(address: &str) -> bool {
    check(address).is_ok()
}

/// What follows `https://` or `http://` (in any case), if it starts so.
fn strip_scheme(address: &str) -> Option<&str> {
    ["https://", "http://"].into_iter().find_map(|scheme| {
        address
            .get(..scheme.len())
            .filter(|p| p.eq_ignore_ascii_case(scheme))
            .map(|_| &address[scheme.len()..])
    })
}

/// The URL code points of the WHATWG URL standard, with `%`, `#` and the
/// brackets of an IPv6 host: everything an address may hold as written.
fn is_url_code_point(c: char) -> bool {
    let nonchar = matches!(u32::from(c), 0xFDD0..=0xFDEF) || (u32::from(c) & 0xFFFE) == 0xFFFE;
    c.is_ascii_alphanumeric()
        || "!$&'()*+,-./:;=?@_~%#[]".contains(c)
        || (c >= '\u{a0}' && !nonchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(address: &str) -> String {
        match check(address) {
            Err(AddressProblem::Invalid(why)) => why,
            other => panic!("{address:?}: {other:?}"),
        }
    }

    #[test]
    fn accepts_plain_http_addresses() {
        for ok in [
            "https://example.org",
            "http://example.org/a_b*c(d)?q=1&r=2#frag",
            "https://de.wikipedia.org/wiki/Taurus-Abhöraffäre",
            "https://example.org:8443/x%20y",
            "HTTPS://EXAMPLE.ORG/",
            "https://[2001:db8::1]/x",
            "https://xn--bcher-kva.example/",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_could_mislead_a_reader() {
        assert!(invalid("https://example.org/\x1b]0;x\x07").contains("U+001B (escape)"));
        assert!(invalid("https://example.org/\u{202e}fdp.exe").contains("right-to-left override"));
        assert!(invalid("https://example.org/a b").contains("space"));
        assert!(invalid("https://example.org/a\u{a0}b").contains("space"));
        assert!(invalid("javascript:alert(1)").contains("\"javascript\""));
        assert!(invalid("ftp://example.org/x").contains("\"ftp\""));
        assert!(invalid("example.org/x").contains("https://"));
        assert!(invalid("https://bank.example@evil.example/").contains("user@host"));
        assert!(invalid("https://user:pw@example.org/").contains("user@host"));
        assert!(invalid("https://exаmple.org/").contains("non-ASCII"));
        assert!(invalid("https:///x").contains("no host"));
        assert!(invalid("https://example.org:99999/").contains("not a valid"));
    }

    #[test]
    fn addresses_with_stray_characters_are_text_not_links() {
        for text in [
            "https://example.org/x\"><script>alert(1)</script>",
            "https://example.org\\@evil.example/",
            "https://example.org/{x}",
        ] {
            assert!(
                matches!(check(text), Err(AddressProblem::NotLinkable(_))),
                "{text}: {:?}",
                check(text)
            );
            assert!(!is_linkable(text));
        }
    }
}
