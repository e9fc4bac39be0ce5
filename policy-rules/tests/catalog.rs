//! Meta-tests that keep the rule catalog honest.

use std::path::Path;

use policy_core::lint::builtin_rules;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

#[test]
fn generated_docs_are_fresh() {
    policy_rules::link();
    for (path, content) in policy_rules::docs::render().unwrap() {
        let on_disk = std::fs::read_to_string(root().join(&path)).unwrap_or_default();
        assert!(
            on_disk == content,
            "`{path}` is stale: run `cargo xtask docs` and commit"
        );
    }
}

#[test]
fn every_rule_has_the_documented_sections_and_a_stable_code() {
    policy_rules::link();
    let rules = builtin_rules().unwrap();
    assert_eq!(
        rules.len(),
        37,
        "EXR001-EXR014, RBP001-RBP008 and POL001-POL015"
    );
    for rule in rules {
        let m = rule.meta();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix",
        ] {
            assert!(m.docs.contains(section), "{} lacks `{section}`", m.code);
        }
        let (family, number) = m.code.split_at(3);
        assert!(
            family.chars().all(|c| c.is_ascii_uppercase())
                && number.len() == 3
                && number.parse::<u16>().is_ok(),
            "{}",
            m.code
        );
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            m.name
        );
        // House style: summaries are lower case and have no final period.
        assert!(
            !m.summary.ends_with('.')
                && m.summary.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{}: {}",
            m.code,
            m.summary
        );
    }
}
