//! The ICD 203 rule that a sentence must not state a confidence level and a
//! likelihood together ("we assess with high confidence that it is likely").
//! Likelihood and confidence are separate fields; the prose should not mix them.

/// Likelihood terms of both ICD 203 rows, longest first so that "very
/// unlikely" is reported rather than "unlikely".
const LIKELIHOOD: &[&str] = &[
    "almost no chance",
    "roughly even chance",
    "roughly even odds",
    "highly improbable",
    "highly probable",
    "almost certainly",
    "almost certain",
    "nearly certain",
    "very unlikely",
    "very likely",
    "improbable",
    "improbably",
    "unlikely",
    "probable",
    "probably",
    "likely",
    "remote",
];

const CONFIDENCE_LEVELS: &[&str] = &["low", "moderate", "medium", "high"];

/// A sentence that breaks the rule, with the words that do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mixed {
    pub sentence: String,
    pub confidence: String,
    pub likelihood: String,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// "high confidence", "confidence is high", "confidence: moderate": a
/// level word within two words of "confidence".
fn confidence_in(ws: &[String]) -> Option<String> {
    ws.iter().enumerate().find_map(|(i, w)| {
        if w != "confidence" {
            return None;
        }
        let lo = i.saturating_sub(2);
        let hi = (i + 3).min(ws.len());
        ws[lo..hi]
            .iter()
            .find(|x| CONFIDENCE_LEVELS.contains(&x.as_str()))
            .map(|level| format!("{level} confidence"))
    })
}

fn likelihood_in(ws: &[String]) -> Option<String> {
    let joined = format!(" {} ", ws.join(" "));
    LIKELIHOOD
        .iter()
        .find(|term| joined.contains(&format!(" {term} ")))
        .map(|t| t.to_string())
}

/// The sentences of `text` that put a confidence level and a likelihood
/// term together.
pub fn mixed_sentences(text: &str) -> Vec<Mixed> {
    text.split(['.', '!', '?', ';', '\n'])
        .filter_map(|sentence| {
            let ws = words(sentence);
            let confidence = confidence_in(&ws)?;
            let likelihood = likelihood_in(&ws)?;
            Some(Mixed {
                sentence: sentence.trim().to_string(),
                confidence,
                likelihood,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_a_sentence_that_mixes_both() {
        let m = mixed_sentences(
            "We assess with high confidence that the call was very likely intercepted.",
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].confidence, "high confidence");
        assert_eq!(m[0].likelihood, "very likely");
        let m =
            mixed_sentences("Confidence is moderate and interception almost certainly happened");
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn separate_sentences_are_fine() {
        assert!(
            mixed_sentences("Interception was very likely. We hold this with moderate confidence.")
                .is_empty()
        );
        assert!(
            mixed_sentences(
                "Confidence in the source is limited; the likely path was hotel Wi-Fi."
            )
            .is_empty()
        );
        assert!(mixed_sentences("A highly reliable source said so.").is_empty());
    }

    #[test]
    fn words_are_matched_whole() {
        // "unlikelyhood" is not a term; "likely" inside "unlikely" is not counted twice.
        assert!(mixed_sentences("High confidence in the unlikelyhood.").is_empty());
        assert_eq!(
            mixed_sentences("High confidence it is unlikely.")[0].likelihood,
            "unlikely"
        );
    }
}
