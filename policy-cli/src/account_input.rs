//! Reading account dumps and policy files for `check`, `inspect`, `who-can` and `can --account`.

use std::path::PathBuf;

use policy_core::ingest::{ingest, ingest_handling_policy_files};
use policy_core::lint::{PolicyFileOutput, PreparedRules};
use policy_core::model::Account;
use serde_json::Value;

/// AWS managed policy documents the dump only names: rolecall's embedded copies.
fn embedded_aws_managed(arn: &str) -> Option<Value> {
    let set = policy_core::managed::aws_managed_policies().ok()?;
    set.get_by_arn(arn).map(|p| p.document().clone())
}

/// Reads every file under `paths`.
pub fn load(paths: &[PathBuf]) -> Account {
    ingest(paths, &embedded_aws_managed)
}

/// Reads every file under `paths` for `check`: each policy file is linted
/// as soon as it is read, when `rules` may judge it alone.
pub fn load_linting(
    paths: &[PathBuf],
    rules: &PreparedRules<'_>,
) -> (Account, Vec<PolicyFileOutput>) {
    if rules.lint_policy_files_alone() {
        ingest_handling_policy_files(paths, &embedded_aws_managed, &|file| {
            rules.run_on_policy_file(file)
        })
    } else {
        (load(paths), Vec::new())
    }
}

/// Prints the input problems on standard error, returning whether there were any.
pub fn report_problems(account: &Account) -> bool {
    for p in &account.problems {
        let place = match (p.line, p.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", p.path),
            _ => p.path.clone(),
        };
        eprintln!("error: {place}: {}", p.message);
        if let Some(help) = &p.help {
            eprintln!("  help: {help}");
        }
    }
    !account.problems.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::lint::{builtin_rules, Context, Findings, Rule, RuleMeta, RuleSelection};

    /// A rule that is not built in, as a plugin's is.
    struct Other;

    static OTHER: RuleMeta = RuleMeta {
        code: "TEST002",
        name: "other",
        category: policy_core::lint::Category::BestPractice,
        default_severity: policy_core::lint::Severity::Info,
        summary: "not built in",
        docs: "",
    };

    impl Rule for Other {
        fn meta(&self) -> &'static RuleMeta {
            &OTHER
        }
        fn check_account(&self, _: &Context<'_>, _: &mut Findings) {}
    }

    #[test]
    fn policy_files_stay_in_the_model_when_a_rule_is_not_built_in() {
        crate::link_rules();
        let policies =
            [std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/policies")];
        let mut selection = RuleSelection {
            rules: builtin_rules().expect("the built-in rules"),
            ..RuleSelection::default()
        };
        let (alone, found) = load_linting(&policies, &PreparedRules::new(&selection));
        assert!(alone.standalone_policies.is_empty());
        assert!(!found.is_empty());
        selection.rules.push(&Other);
        let (whole, found) = load_linting(&policies, &PreparedRules::new(&selection));
        assert!(!whole.standalone_policies.is_empty());
        assert!(found.is_empty());
    }
}
