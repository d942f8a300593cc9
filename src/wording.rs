//! Counts written as people write them: "1 event", "2 events".

/// `n` and the noun that agrees with it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verb that agrees with `n` of something: "1 is", "2 are".
pub fn is_are(n: usize) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_zero_is_plural() {
        assert_eq!(count(0, "event", "events"), "0 events");
        assert_eq!(count(1, "event", "events"), "1 event");
        assert_eq!(count(2, "match", "matches"), "2 matches");
        assert_eq!(is_are(1), "is");
        assert_eq!(is_are(0), "are");
    }
}
