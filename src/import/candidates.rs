//! Candidate controls for VERIS actions: which NIST SP 800-53 Rev. 5
//! controls *could* have stopped an action, by published mappings (VERIS
//! action → ATT&CK technique → control, from the Center for Threat-Informed
//! Defense) or, for error, misuse and physical actions that those do not
//! cover, by hotwash's own small table. Candidates, never effects: the
//! analyst decides (docs/IMPORT.md).
//!
//! The tables are compiled in as compact TSV derived from the CTID JSON in
//! `assets/mappings/` (a test checks they are exactly what the JSON gives)
//! and parsed once, on first use: a program that imports nothing pays nothing.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::{Basis, Candidate, Catalogue, Chain, Id};

const VERIS_ATTACK: &str = include_str!("../../assets/mappings/veris-attack.tsv");
const ATTACK_NIST: &str = include_str!("../../assets/mappings/attack-nist.tsv");
const HOTWASH_ACTIONS: &str = include_str!("../../assets/mappings/hotwash-actions.tsv");

/// The three tables, indexed.
#[derive(Debug)]
pub struct Mappings {
    /// VERIS action (lower case) → its name as the mapping writes it, and
    /// the ATT&CK techniques it is related to.
    techniques: HashMap<String, (&'static str, Vec<&'static str>)>,
    /// ATT&CK technique → the controls that mitigate it.
    controls: HashMap<&'static str, Vec<&'static str>>,
    /// VERIS action (lower case) → its name and hotwash's controls for it.
    own: HashMap<String, (&'static str, Vec<&'static str>)>,
}

/// Data rows of a TSV table: not blank, not a `#` comment, not the header.
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').collect())
}

impl Mappings {
    /// The bundled tables, parsed on first use. They are ours and compiled
    /// in, so a malformed row is skipped; a test checks there are none.
    pub fn get() -> &'static Mappings {
        static MAPPINGS: OnceLock<Mappings> = OnceLock::new();
        MAPPINGS.get_or_init(Mappings::parse)
    }

    /// Parses the bundled tables (what the first [`get`](Self::get) costs).
    pub fn parse() -> Mappings {
        let mut techniques: HashMap<String, (&str, Vec<&str>)> = HashMap::new();
        for row in rows(VERIS_ATTACK) {
            if let [action, technique] = row[..] {
                techniques
                    .entry(action.to_lowercase())
                    .or_insert((action, Vec::new()))
                    .1
                    .push(technique);
            }
        }
        let mut controls: HashMap<&str, Vec<&str>> = HashMap::new();
        for row in rows(ATTACK_NIST) {
            if let [technique, control] = row[..] {
                controls.entry(technique).or_default().push(control);
            }
        }
        let mut own = HashMap::new();
        for row in rows(HOTWASH_ACTIONS) {
            if let [action, list, _why] = row[..] {
                own.insert(
                    action.to_lowercase(),
                    (action, list.split_whitespace().collect()),
                );
            }
        }
        Mappings {
            techniques,
            controls,
            own,
        }
    }

    /// Every chain from `action` (`action.hacking.variety.Use of stolen
    /// creds`, matched without regard to case) to a control.
    fn chains(&self, action: &str) -> Vec<(&'static str, Chain)> {
        let key = action.to_lowercase();
        let mut out = Vec::new();
        if let Some((name, techniques)) = self.techniques.get(&key) {
            for technique in techniques {
                for control in self.controls.get(technique).into_iter().flatten() {
                    out.push((
                        *control,
                        Chain {
                            action: (*name).to_string(),
                            technique: Some(Id::from(*technique)),
                            basis: Basis::Ctid,
                        },
                    ));
                }
            }
        }
        if let Some((name, controls)) = self.own.get(&key) {
            for control in controls {
                out.push((
                    *control,
                    Chain {
                        action: (*name).to_string(),
                        technique: None,
                        basis: Basis::Hotwash,
                    },
                ));
            }
        }
        out
    }

    /// The candidate controls for `actions`, one per control with every
    /// chain that leads to it, ranked: most chains first (more of what
    /// happened leads to the control), then in catalogue order.
    pub fn candidates<'a>(&self, actions: impl IntoIterator<Item = &'a str>) -> Vec<Candidate> {
        let mut by_control: HashMap<&'static str, Vec<Chain>> = HashMap::new();
        for action in actions {
            for (control, chain) in self.chains(action) {
                let chains = by_control.entry(control).or_default();
                if !chains.contains(&chain) {
                    chains.push(chain);
                }
            }
        }
        let mut candidates: Vec<Candidate> = by_control
            .into_iter()
            .map(|(control, chains)| Candidate {
                control: Id::from(control),
                catalogue: Catalogue::NistSp80053r5,
                chains,
            })
            .collect();
        rank(&mut candidates);
        candidates
    }
}

/// Most chains first, then catalogue order (`AC-2` before `AC-10`).
pub fn rank(candidates: &mut [Candidate]) {
    candidates.sort_by(|a, b| {
        b.chains
            .len()
            .cmp(&a.chains.len())
            .then_with(|| control_order(&a.control).cmp(&control_order(&b.control)))
    });
}

/// A control id as (family, number, enhancement) for catalogue order.
fn control_order(id: &str) -> (String, u32, u32) {
    let (family, rest) = id.split_once('-').unwrap_or((id, ""));
    let (number, enhancement) = match rest.split_once('(') {
        Some((n, e)) => (n, e.trim_end_matches(')')),
        None => (rest, ""),
    };
    (
        family.to_string(),
        number.parse().unwrap_or(u32::MAX),
        enhancement.parse().unwrap_or(0),
    )
}

/// A control id in the catalogue's own form: `AC-02` → `AC-2`,
/// `AC-02(05)` or `ac-2.5` → `AC-2(5)`. `None` for anything that is not a
/// control id.
pub fn normalise_control(id: &str) -> Option<String> {
    let id = id.trim();
    let (family, rest) = id.split_once('-')?;
    if family.len() != 2 || !family.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let (number, enhancement) = match rest.split_once(['(', '.']) {
        Some((n, e)) => (n, Some(e.strip_suffix(')').unwrap_or(e))),
        None => (rest, None),
    };
    let plain = |digits: &str| -> Option<u32> {
        (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    let number = plain(number)?;
    let family = family.to_ascii_uppercase();
    Some(match enhancement {
        Some(e) => format!("{family}-{number}({})", plain(e)?),
        None => format!("{family}-{number}"),
    })
}

/// The derived TSV tables from the CTID JSON files: what `veris-attack.tsv`
/// and `attack-nist.tsv` must hold. Only rows whose status is `complete`;
/// of the VERIS table only action varieties (the import chains from those).
#[cfg(test)]
fn derive(veris_json: &str, nist_json: &str) -> Result<(String, String), String> {
    use std::collections::BTreeSet;
    let objects = |text: &str| -> Result<Vec<serde_json::Value>, String> {
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        doc["mapping_objects"]
            .as_array()
            .cloned()
            .ok_or_else(|| "no mapping_objects".to_string())
    };
    let complete = |o: &serde_json::Value| o["status"] == "complete";
    let field = |o: &serde_json::Value, k: &str| o[k].as_str().map(str::to_string);
    let mut veris = BTreeSet::new();
    for o in objects(veris_json)?.iter().filter(|o| complete(o)) {
        if let (Some(action), Some(technique)) =
            (field(o, "capability_id"), field(o, "attack_object_id"))
            && action.starts_with("action.")
            && action.contains(".variety.")
        {
            veris.insert((action, technique));
        }
    }
    let mut nist = BTreeSet::new();
    for o in objects(nist_json)?.iter().filter(|o| complete(o)) {
        if let (Some(control), Some(technique)) =
            (field(o, "capability_id"), field(o, "attack_object_id"))
        {
            let control = normalise_control(&control)
                .ok_or_else(|| format!("{control:?} is not a control id"))?;
            nist.insert((technique, control));
        }
    }
    let table = |header: &str, rows: BTreeSet<(String, String)>| {
        let mut out = format!("{header}\n");
        for (a, b) in rows {
            out.push_str(&format!("{a}\t{b}\n"));
        }
        out
    };
    Ok((
        table("action\ttechnique", veris),
        table("technique\tcontrol", nist),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Catalog;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/mappings");

    #[test]
    fn mappings_derived_tables_are_what_the_ctid_files_give() {
        let read = |name: &str| {
            std::fs::read_to_string(format!("{DIR}/{name}"))
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        let (veris, nist) = derive(
            &read("veris-1.4.0_attack-16.1-enterprise.json"),
            &read("nist_800_53-rev5_attack-16.1-enterprise.json"),
        )
        .expect("the CTID files parse");
        if std::env::var_os("HOTWASH_BLESS_MAPPINGS").is_some() {
            std::fs::write(format!("{DIR}/veris-attack.tsv"), &veris).expect("write");
            std::fs::write(format!("{DIR}/attack-nist.tsv"), &nist).expect("write");
        }
        assert!(
            VERIS_ATTACK == veris && ATTACK_NIST == nist,
            "assets/mappings/*.tsv differ from the CTID JSON: run \
             HOTWASH_BLESS_MAPPINGS=1 cargo test --lib mappings, then rebuild"
        );
    }

    #[test]
    fn mappings_use_109_base_controls_all_in_the_catalogue() {
        let catalog = Catalog::nist();
        let mut bases: Vec<&str> = rows(ATTACK_NIST).map(|r| r[1]).collect();
        bases.sort_unstable();
        bases.dedup();
        assert_eq!(bases.len(), 109, "the issue counts 109 base controls");
        for id in bases {
            let entry = catalog
                .get(id)
                .unwrap_or_else(|| panic!("{id} is not in the catalogue"));
            assert!(!entry.enhancement, "{id} is a base control");
        }
    }

    #[test]
    fn mappings_of_hotwash_name_active_controls_and_only_error_misuse_physical() {
        let catalog = Catalog::nist();
        let mut n = 0;
        for row in rows(HOTWASH_ACTIONS) {
            assert_eq!(row.len(), 3, "{row:?}: action, controls, why");
            let category = row[0].split('.').nth(1);
            assert!(
                matches!(category, Some("error" | "misuse" | "physical")),
                "{}",
                row[0]
            );
            assert!(!row[2].trim().is_empty(), "{}: say why", row[0]);
            for id in row[1].split_whitespace() {
                let entry = catalog
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} is not in the catalogue"));
                assert!(!entry.withdrawn, "{id} is withdrawn");
            }
            n += 1;
        }
        assert!(n >= 30, "{n} rows");
        // The examples.
        let m = Mappings::get();
        let ids = |action: &str| -> Vec<String> {
            m.candidates([action])
                .into_iter()
                .map(|c| c.control.to_string())
                .collect()
        };
        assert_eq!(
            ids("action.error.variety.Misdelivery"),
            ["AC-21", "AT-2", "MP-5"]
        );
        assert_eq!(
            ids("action.misuse.variety.Privilege abuse"),
            ["AC-6", "AU-6", "PS-6"]
        );
    }

    #[test]
    fn operation_aurora_gets_79_ranked_candidates_with_their_chains() {
        let actions = [
            "action.hacking.variety.Use of stolen creds",
            "action.malware.variety.C2",
            "action.malware.variety.Backdoor",
            "action.malware.variety.Scan network",
            "action.malware.variety.Backdoor or C2",
            "action.social.variety.Phishing",
        ];
        let candidates = Mappings::get().candidates(actions);
        assert_eq!(candidates.len(), 79);
        assert!(
            candidates
                .windows(2)
                .all(|w| w[0].chains.len() >= w[1].chains.len()),
            "ranked by number of chains"
        );
        for c in &candidates {
            assert!(Catalog::nist().get(&c.control).is_some(), "{}", c.control);
            assert!(!c.chains.is_empty());
            for chain in &c.chains {
                assert_eq!(chain.basis, Basis::Ctid);
                assert!(actions.contains(&chain.action.as_str()));
                assert!(chain.technique.as_ref().is_some_and(|t| t.starts_with('T')));
            }
        }
        // Error and misuse actions get nothing from the published mappings.
        let none = Mappings::get().candidates(["action.error.variety.Other"]);
        assert!(none.is_empty());
    }

    #[test]
    fn action_names_match_without_regard_to_case() {
        let m = Mappings::get();
        let a = m.candidates(["action.social.variety.phishing"]);
        let b = m.candidates(["action.social.variety.Phishing"]);
        assert!(!a.is_empty());
        assert_eq!(a, b, "the chain keeps the mapping's spelling");
    }

    #[test]
    fn control_ids_are_normalised_to_the_catalogue_form() {
        for (raw, want) in [
            ("AC-02", "AC-2"),
            ("AC-2", "AC-2"),
            ("SC-07", "SC-7"),
            ("ac-17", "AC-17"),
            ("AC-02(05)", "AC-2(5)"),
            ("AC-2.5", "AC-2(5)"),
            ("SI-04(4)", "SI-4(4)"),
            ("PM-100", "PM-100"),
        ] {
            assert_eq!(normalise_control(raw).as_deref(), Some(want), "{raw}");
        }
        for bad in [
            "", "AC", "AC-", "A-2", "ACX-2", "AC-x", "AC-2(", "AC-2(a)", "AC-1234",
        ] {
            assert_eq!(normalise_control(bad), None, "{bad}");
        }
    }
}
