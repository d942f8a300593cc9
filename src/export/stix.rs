//! STIX 2.1 export: a bundle for threat-intelligence platforms.
//!
//! The bundle holds, in this order:
//!
//! 1. the TLP 2.0 `marking-definition` of the record's TLP label, exactly as
//!    OASIS publishes it (fixed id, `created` 2022-10-01, the extension
//!    `extension-definition--60a3c5c5-…` with `tlp_2_0`);
//! 2. an `identity` for the reviewing organisation, which creates every
//!    other object (`created_by_ref`);
//! 3. the `incident` (record title and summary; the STIX 2.1 incident is a
//!    stub, so only core properties are used);
//! 4. one `note` per finding, applied to the incident and to the courses of
//!    action that answer it. Its content opens with the finding's portion
//!    mark and states likelihood and confidence in separate sentences
//!    (ICD 203); `confidence` carries the analytic confidence on the STIX
//!    "None/Low/Med/High" scale (Low 15, Moderate 50, High 85);
//! 5. one `course-of-action` per recommendation;
//! 6. one `relationship` per recommendation: the course of action is
//!    `related-to` the incident (the STIX relationship table has no
//!    course-of-action → incident type; `related-to` is allowed everywhere);
//! 7. a `report` that references every object above except the marking
//!    definition; its description carries the classification banner at top
//!    and bottom, the TLP label, what was withheld and the sign-off state,
//!    and its `external_references` list the cited sources.
//!
//! Every object but the marking definition itself carries
//! `object_marking_refs` to the TLP marking. No custom properties are used,
//! so the bundle passes `stix2_validator --strict` and parses with
//! `stix2.parse(..., allow_custom=False)`. Source URLs go in the external
//! references' descriptions, because a `url` without `hashes` is a strict
//! validator error and a web page has no stable hash.
//!
//! The output is deterministic: ids are SHA-256 of (record id, object type,
//! local id) shaped as version-4 UUIDs (the validator rejects other versions
//! for these objects), `created` and `modified` are the report's generation
//! time with milliseconds, and keys come out in the order of the structs
//! below. The same report gives byte-identical bundles.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::ExportError;
use crate::model::{Confidence, Tlp};
use crate::report::{Report, ReportFinding, ReportIndex, ReportRecommendation};

/// The OASIS TLP 2.0 marking-definition extension.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// When OASIS created the TLP 2.0 marking definitions (part of the objects).
const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The fixed id of the OASIS TLP 2.0 marking definition for `tlp`.
pub fn tlp_marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The `tlp_2_0` value of the extension: the label in lower case.
fn tlp_value(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}

/// ICD 203 confidence on the STIX 2.1 "None/Low/Med/High" confidence scale.
fn stix_confidence(confidence: Confidence) -> u8 {
    match confidence {
        Confidence::Low => 15,
        Confidence::Moderate => 50,
        Confidence::High => 85,
    }
}

/// A stable STIX id: SHA-256 of the parts (each length-prefixed, so that no
/// two different part lists hash the same bytes), shaped as a version-4,
/// RFC 4122-variant UUID.
pub fn stix_id(record: &str, kind: &str, local: &str) -> String {
    let mut hasher = Sha256::new();
    for part in ["hotwash-stix-2.1", record, kind, local] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{kind}--{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[derive(Serialize)]
struct Bundle {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    objects: Vec<Object>,
}

/// One STIX object. The union of the properties this exporter writes, in
/// the order they are written; absent ones are left out.
#[derive(Serialize, Default)]
struct Object {
    #[serde(rename = "type")]
    kind: &'static str,
    spec_version: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by_ref: Option<String>,
    created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_types: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(rename = "abstract", skip_serializing_if = "Option::is_none")]
    abstract_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relationship_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_refs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_references: Option<Vec<ExternalReference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_marking_refs: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extensions: Option<BTreeMap<&'static str, TlpExtension>>,
}

#[derive(Serialize)]
struct ExternalReference {
    source_name: String,
    description: String,
}

#[derive(Serialize)]
struct TlpExtension {
    extension_type: &'static str,
    tlp_2_0: &'static str,
}

/// Lower case with hyphens, as STIX labels are written: "root cause" → "root-cause".
fn label(words: &str) -> String {
    words.to_lowercase().replace([' ', '_'], "-")
}

/// Builds the objects of one report; ids and timestamps are shared.
struct Builder<'a> {
    report: &'a Report,
    index: ReportIndex<'a>,
    time: String,
    marking: &'static str,
    identity: String,
    incident: String,
}

impl<'a> Builder<'a> {
    fn new(report: &'a Report) -> Self {
        let record = report.record.id.as_str();
        Builder {
            report,
            index: ReportIndex::new(report),
            time: report
                .generated
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
            marking: tlp_marking_id(report.tlp),
            identity: stix_id(record, "identity", "reviewing-organisation"),
            incident: stix_id(record, "incident", "incident"),
        }
    }

    fn id(&self, kind: &str, local: &str) -> String {
        stix_id(&self.report.record.id, kind, local)
    }

    /// The properties every object this exporter creates shares.
    fn common(&self, kind: &'static str, id: String) -> Object {
        Object {
            kind,
            spec_version: "2.1",
            id,
            created_by_ref: Some(self.identity.clone()),
            created: self.time.clone(),
            modified: Some(self.time.clone()),
            object_marking_refs: Some(vec![self.marking]),
            ..Object::default()
        }
    }

    fn marking_definition(&self) -> Object {
        let tlp = self.report.tlp;
        Object {
            kind: "marking-definition",
            spec_version: "2.1",
            id: self.marking.to_string(),
            created: TLP2_CREATED.to_string(),
            name: Some(tlp.label()),
            extensions: Some(BTreeMap::from([(
                TLP2_EXTENSION,
                TlpExtension {
                    extension_type: "property-extension",
                    tlp_2_0: tlp_value(tlp),
                },
            )])),
            ..Object::default()
        }
    }

    fn identity(&self) -> Object {
        let record = &self.report.record.id;
        Object {
            created_by_ref: None,
            name: Some(format!("Reviewing organisation of {record}")),
            description: Some(format!(
                "The organisation that reviewed incident record {record} with hotwash. \
                 The record does not name it."
            )),
            identity_class: Some("organization"),
            ..self.common("identity", self.identity.clone())
        }
    }

    fn incident(&self) -> Object {
        let record = &self.report.record;
        Object {
            name: Some(record.title.clone()),
            description: Some(record.summary.clone()),
            ..self.common("incident", self.incident.clone())
        }
    }

    fn course_of_action_id(&self, r: &ReportRecommendation) -> String {
        self.id("course-of-action", &r.id)
    }

    fn note(&self, f: &ReportFinding) -> Object {
        let mark = &f.portion.portion;
        let (low, high) = f.likelihood.range();
        let mut content = format!("({mark}) {}\n\n", f.statement);
        content.push_str(&format!(
            "Likelihood: {} ({low}–{high} %).\n",
            f.likelihood_term
        ));
        content.push_str(&format!(
            "Analytic confidence: {}.\n\n",
            f.confidence.name()
        ));
        content.push_str(&format!(
            "Kind: {}. Severity: {}.\n",
            f.kind.name(),
            f.severity.name()
        ));
        if !f.events.is_empty() {
            content.push_str(&format!("Events: {}.\n", f.events.join(", ")));
        }
        if !f.controls.is_empty() {
            content.push_str(&format!("Controls: {}.\n", f.controls.join(", ")));
        }
        content.push_str(&format!("Portion: {}.", f.portion.banner));

        let mut object_refs = vec![self.incident.clone()];
        object_refs.extend(
            self.index
                .recommendations_of(&f.id)
                .iter()
                .map(|r| self.course_of_action_id(r)),
        );
        Object {
            abstract_: Some(format!("({mark}) {}: {}", f.id, f.title)),
            content: Some(content),
            object_refs: Some(object_refs),
            labels: Some(vec![
                "finding".into(),
                label(f.kind.name()),
                format!("severity-{}", label(f.severity.name())),
            ]),
            confidence: Some(stix_confidence(f.confidence)),
            ..self.common("note", self.id("note", &f.id))
        }
    }

    fn course_of_action(&self, r: &ReportRecommendation) -> Object {
        let finding = self.index.finding(&r.finding);
        // A recommendation goes with its finding, so it carries its portion.
        let mark = finding.map_or_else(
            || self.report.classification.portion.as_str(),
            |f| f.portion.portion.as_str(),
        );
        let about = finding.map_or_else(String::new, |f| format!(" ({})", f.title));
        let mut description = format!(
            "({mark}) Recommendation {} answers finding {}{about}.\nOwner: {}.\n",
            r.id, r.finding, r.owner
        );
        if let Some(due) = r.due {
            description.push_str(&format!("Due: {due}.\n"));
        }
        description.push_str(&format!("Status: {}.", r.status.name()));
        Object {
            name: Some(format!("({mark}) {}", r.action)),
            description: Some(description),
            labels: Some(vec![
                "recommendation".into(),
                format!("status-{}", label(r.status.name())),
            ]),
            ..self.common("course-of-action", self.course_of_action_id(r))
        }
    }

    fn relationship(&self, r: &ReportRecommendation) -> Object {
        Object {
            relationship_type: Some("related-to"),
            description: Some(format!(
                "Recommendation {} answers finding {} about this incident.",
                r.id, r.finding
            )),
            source_ref: Some(self.course_of_action_id(r)),
            target_ref: Some(self.incident.clone()),
            ..self.common(
                "relationship",
                self.id("relationship", &format!("{}>related-to>incident", r.id)),
            )
        }
    }

    /// The report's and the bundle's local id: a report cut at a ceiling is
    /// a different report of the same record.
    fn edition(&self) -> String {
        match &self.report.ceiling {
            None => "full".to_string(),
            Some(c) => format!("max-{}", c.level.name()),
        }
    }

    fn report_object(&self, object_refs: Vec<String>) -> Object {
        let r = self.report;
        let banner = &r.classification.banner;
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut description = format!("{banner}\n{}\n\n", r.tlp.label());
        description.push_str(&format!(
            "Review of incident record {} ({}): {} of {} included, {}, {}, {}.\n",
            r.record.id,
            r.record.period,
            plural(r.events.len(), "event", "events"),
            r.record.events_total,
            plural(r.findings.len(), "finding", "findings"),
            plural(r.recommendations.len(), "recommendation", "recommendations"),
            plural(r.claims.len(), "claim", "claims"),
        ));
        description.push_str(&r.withheld_line());
        description.push('\n');
        description.push_str(&format!("Review: {}.\n", r.signoff.describe()));
        description.push_str(&format!(
            "Generated by {}. Findings are notes and recommendations are courses of action; \
             each opens with its portion mark, and the banner is the highest portion included. \
             The timeline, controls and claims are in the JSON, HTML and Markdown exports.\n\n",
            r.generator
        ));
        description.push_str(banner);

        let external_references: Vec<ExternalReference> = r
            .sources
            .iter()
            .map(|s| {
                let date = s
                    .date
                    .as_deref()
                    .map_or_else(String::new, |d| format!(", {d}"));
                ExternalReference {
                    source_name: s.publisher.clone(),
                    description: format!(
                        "{} (source {}{date}). Source reliability {}: {}. {}",
                        s.title,
                        s.id,
                        s.reliability.letter(),
                        s.reliability.meaning(),
                        s.url
                    ),
                }
            })
            .collect();

        Object {
            name: Some(format!("Incident review: {}", r.record.title)),
            description: Some(description),
            report_types: Some(vec!["threat-report"]),
            published: Some(self.time.clone()),
            object_refs: Some(object_refs),
            external_references: (!external_references.is_empty()).then_some(external_references),
            ..self.common("report", self.id("report", &self.edition()))
        }
    }

    fn bundle(&self) -> Bundle {
        let r = self.report;
        let mut objects = vec![self.identity(), self.incident()];
        objects.extend(r.findings.iter().map(|f| self.note(f)));
        objects.extend(r.recommendations.iter().map(|x| self.course_of_action(x)));
        objects.extend(r.recommendations.iter().map(|x| self.relationship(x)));
        let refs = objects.iter().map(|o| o.id.clone()).collect();
        objects.push(self.report_object(refs));
        objects.insert(0, self.marking_definition());
        Bundle {
            kind: "bundle",
            id: self.id("bundle", &self.edition()),
            objects,
        }
    }
}

pub fn render(report: &Report) -> Result<String, ExportError> {
    let bundle = Builder::new(report).bundle();
    let mut text = serde_json::to_string_pretty(&bundle).map_err(|e| ExportError::Render {
        format: "STIX 2.1",
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Record, Review};
    use crate::report::{ReportOptions, build};
    use serde_json::Value;

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Nato, level: Restricted), tlp: "AMBER",
        sources: [(id: "s", title: "t", publisher: "p", url: "https://example.org", reliability: B)],
        controls: [(catalogue: NistSp80053r5, id: "SC-8", title: "Transmission Confidentiality and Integrity", expects: "x")],
        events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n",
                  sources: [(source: "s", credibility: 2)],
                  controls: [(control: "SC-8", effect: Failed)], portion: Unclassified)],
    )"#;

    const REVIEW: &str = r#"(schema: 1, record: "r",
        findings: [(id: "F1", title: "f", statement: "The statement.", kind: RootCause, severity: High,
                    likelihood: VeryLikely, confidence: Moderate, events: ["E1"], controls: ["SC-8"],
                    portion: Restricted)],
        recommendations: [(id: "R1", finding: "F1", action: "Do it.", owner: "o", status: InProgress)],
    )"#;

    fn report() -> Report {
        let record: Record = crate::load::parse(RECORD).expect("record");
        let review: Review = crate::load::parse(REVIEW).expect("review");
        let generated = chrono::DateTime::from_timestamp(1_709_251_200, 0);
        build(
            &record,
            &review,
            &ReportOptions {
                generated,
                ..ReportOptions::default()
            },
        )
    }

    fn bundle() -> Value {
        serde_json::from_str(&render(&report()).expect("render")).expect("JSON")
    }

    #[test]
    fn ids_are_stable_version_4_uuids() {
        let id = stix_id("r", "note", "F1");
        assert_eq!(id, stix_id("r", "note", "F1"));
        assert_ne!(id, stix_id("r", "note", "F2"));
        assert_ne!(stix_id("ab", "note", "c"), stix_id("a", "note", "bc"));
        let uuid = id.strip_prefix("note--").expect("type prefix");
        let groups: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'), "version 4: {uuid}");
        assert!(
            matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "RFC 4122 variant: {uuid}"
        );
    }

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let r = report();
        assert_eq!(render(&r).expect("a"), render(&r).expect("b"));
    }

    #[test]
    fn every_object_but_the_marking_is_marked_and_the_bundle_has_no_spec_version() {
        let b = bundle();
        assert!(b.get("spec_version").is_none());
        let objects = b["objects"].as_array().expect("objects");
        let types: Vec<&str> = objects
            .iter()
            .map(|o| o["type"].as_str().expect("type"))
            .collect();
        assert_eq!(
            types,
            [
                "marking-definition",
                "identity",
                "incident",
                "note",
                "course-of-action",
                "relationship",
                "report"
            ]
        );
        let amber = tlp_marking_id(Tlp::Amber);
        assert_eq!(objects[0]["id"], amber);
        assert_eq!(objects[0]["extensions"][TLP2_EXTENSION]["tlp_2_0"], "amber");
        for o in &objects[1..] {
            assert_eq!(o["spec_version"], "2.1");
            assert_eq!(o["object_marking_refs"], serde_json::json!([amber]), "{o}");
            assert_eq!(o["created"], "2024-03-01T00:00:00.000Z");
        }
    }

    #[test]
    fn a_note_states_likelihood_and_confidence_in_separate_sentences() {
        let b = bundle();
        let note = &b["objects"][3];
        let content = note["content"].as_str().expect("content");
        assert!(content.starts_with("(NR) The statement."), "{content}");
        let sentences: Vec<&str> = content.split(['.', '\n']).collect();
        assert!(
            sentences
                .iter()
                .all(|s| !(s.contains("very likely") && s.contains("moderate"))),
            "{content}"
        );
        assert!(content.contains("Likelihood: very likely (80–95 %)."));
        assert!(content.contains("Analytic confidence: moderate."));
        assert_eq!(note["confidence"], 50);
        let coa = &b["objects"][4];
        assert_eq!(
            note["object_refs"],
            serde_json::json!([b["objects"][2]["id"], coa["id"]])
        );
    }

    #[test]
    fn the_report_references_everything_and_carries_the_banner() {
        let b = bundle();
        let objects = b["objects"].as_array().expect("objects");
        let report = objects.last().expect("report");
        let refs: Vec<&Value> = report["object_refs"]
            .as_array()
            .expect("refs")
            .iter()
            .collect();
        let ids: Vec<&Value> = objects[1..objects.len() - 1]
            .iter()
            .map(|o| &o["id"])
            .collect();
        assert_eq!(refs, ids);
        let description = report["description"].as_str().expect("description");
        assert!(description.starts_with("NATO RESTRICTED\nTLP:AMBER\n"));
        assert!(description.ends_with("\nNATO RESTRICTED"));
    }

    #[test]
    fn a_ceiling_makes_a_different_report_of_the_same_incident() {
        let full = bundle();
        let record: Record = crate::load::parse(RECORD).expect("record");
        let review: Review = crate::load::parse(REVIEW).expect("review");
        let cut = build(
            &record,
            &review,
            &ReportOptions {
                max_classification: Some(crate::model::Level::Unclassified),
                generated: chrono::DateTime::from_timestamp(1_709_251_200, 0),
            },
        );
        let cut: Value = serde_json::from_str(&render(&cut).expect("render")).expect("JSON");
        assert_eq!(
            full["objects"][2]["id"], cut["objects"][2]["id"],
            "incident"
        );
        assert_ne!(full["id"], cut["id"]);
        let last = |b: &Value| b["objects"].as_array().expect("objects").last().cloned();
        assert_ne!(
            last(&full).map(|o| o["id"].clone()),
            last(&cut).map(|o| o["id"].clone())
        );
    }
}
