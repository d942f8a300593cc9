//! The bundled NIST SP 800-53 Rev. 5 control catalogue (public domain, from
//! NIST's OSCAL content), used to validate and title control ids.

use std::collections::HashMap;
use std::sync::OnceLock;

const NIST_TSV: &str = include_str!("../../assets/nist-sp800-53r5-controls.tsv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub id: &'static str,
    pub title: &'static str,
    pub family: &'static str,
    pub withdrawn: bool,
    pub enhancement: bool,
}

#[derive(Debug)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    by_id: HashMap<&'static str, usize>,
}

impl Catalog {
    /// The NIST SP 800-53 Rev. 5 catalogue shipped with hotwash.
    pub fn nist() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::from_tsv(NIST_TSV))
    }

    /// Parses `id  title  family  status  kind ...` rows after a header row.
    /// The table is ours and compiled in, so malformed rows are skipped
    /// rather than reported; a test checks that none are.
    fn from_tsv(tsv: &'static str) -> Catalog {
        let entries: Vec<CatalogEntry> = tsv
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut cols = line.split('\t');
                Some(CatalogEntry {
                    id: cols.next()?,
                    title: cols.next()?,
                    family: cols.next()?,
                    withdrawn: cols.next()? == "withdrawn",
                    enhancement: cols.next()? == "enhancement",
                })
            })
            .collect();
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        Catalog { entries, by_id }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&CatalogEntry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The id the author most likely meant: first a spelling variant
    /// (`sc-08`, `SC-8.1`, `SC 8 (1)`), then the closest by edit distance.
    pub fn nearest(&self, id: &str) -> Option<&'static str> {
        let wanted = canonical(id);
        if let Some(e) = self.entries.iter().find(|e| canonical(e.id) == wanted) {
            return Some(e.id);
        }
        self.entries
            .iter()
            .filter(|e| !e.withdrawn)
            .map(|e| (strsim::levenshtein(&canonical(e.id), &wanted), e.id))
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d)
            .map(|(_, id)| id)
    }
}

/// Upper case, no spaces or dashes, no leading zeros in numbers, `.n` read as `(n)`.
fn canonical(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut prev_digit = false;
    let mut chars = id
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .peekable();
    while let Some(c) = chars.next() {
        match c {
            '0' if !prev_digit && chars.peek().is_some_and(char::is_ascii_digit) => continue,
            '.' | '(' => {
                out.push('(');
                prev_digit = false;
                continue;
            }
            ')' => {}
            c => out.push(c.to_ascii_uppercase()),
        }
        prev_digit = c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalogue_is_complete_and_well_formed() {
        let catalog = Catalog::nist();
        let rows = NIST_TSV.lines().skip(1).filter(|l| !l.is_empty()).count();
        assert_eq!(catalog.len(), rows, "every row of the TSV parses");
        assert!(catalog.len() > 1000);
        let sc8 = catalog.get("SC-8").expect("SC-8 is in the catalogue");
        assert_eq!(sc8.title, "Transmission Confidentiality and Integrity");
        assert!(!sc8.withdrawn && !sc8.enhancement);
        assert!(catalog.get("SC-15(4)").is_some_and(|e| e.enhancement));
    }

    #[test]
    fn suggests_the_intended_id() {
        let catalog = Catalog::nist();
        assert_eq!(catalog.nearest("sc-08"), Some("SC-8"));
        assert_eq!(catalog.nearest("SC-8.1"), Some("SC-8(1)"));
        assert_eq!(catalog.nearest("AC 17 (2)"), Some("AC-17(2)"));
        assert!(catalog.nearest("SC-88").is_some());
        assert_eq!(catalog.nearest("completely different"), None);
    }
}
