//! Runs the enabled rules over the model in parallel, deterministically.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::Value;

use super::{Context, Finding, Findings, Rule, RuleError, Severity, Shared};
use crate::eval::Evaluator;
use crate::model::Account;

/// The most findings a worker collects in one vector before starting another.
const CHUNK: usize = 1024;

/// Which rules run, with what severity and options.
#[derive(Default)]
pub struct RuleSelection {
    /// The enabled rules.
    pub rules: Vec<&'static dyn Rule>,
    /// Severity overrides by code — applied here, in one place.
    pub severity: HashMap<String, Severity>,
    /// Options by code.
    pub options: HashMap<String, Value>,
    /// Where each rule comes from (`builtin` unless listed: plugin name).
    pub sources: HashMap<String, String>,
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Function(&'a crate::model::Function),
    Role(&'a crate::model::Role),
    ResourcePolicy(&'a crate::model::Function, &'a crate::model::ResourcePolicy),
    Policy(&'a crate::model::PolicyRecord),
    Account,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct RunOutput {
    /// The findings, sorted.
    pub findings: Vec<Finding>,
    /// Rules that could not run to the end.
    pub errors: Vec<RuleError>,
}

/// Runs every selected rule over the account. The result is sorted, so it
/// is the same for any number of threads (run inside a rayon pool to choose
/// the number).
pub fn run(account: &Account, selection: &RuleSelection) -> RunOutput {
    PreparedRules::new(selection).run(account, Vec::new())
}

/// The selected rules with their options and sources, and the evaluator
/// they ask: prepared once per run, for the account and for every policy
/// file linted as it is read ([`PreparedRules::run_on_policy_file`]).
pub struct PreparedRules<'s> {
    selection: &'s RuleSelection,
    rules: Vec<(&'static dyn Rule, &'s Value, Cow<'static, str>)>,
    evaluator: Evaluator,
}

/// What the rules found in one policy file, its locations complete.
#[derive(Debug)]
pub struct PolicyFileOutput {
    findings: Vec<Finding>,
    errors: Vec<RuleError>,
}

static NO_OPTIONS: Value = Value::Null;

impl<'s> PreparedRules<'s> {
    /// Prepares `selection`'s rules.
    pub fn new(selection: &'s RuleSelection) -> Self {
        let rules = selection
            .rules
            .iter()
            .map(|rule| {
                let code = rule.meta().code;
                let options = selection.options.get(code).unwrap_or(&NO_OPTIONS);
                let source = match selection.sources.get(code) {
                    Some(plugin) => Cow::Owned(plugin.clone()),
                    None => Cow::Borrowed("builtin"),
                };
                (*rule, options, source)
            })
            .collect();
        PreparedRules {
            selection,
            rules,
            evaluator: Evaluator::new(),
        }
    }

    /// Whether a policy file may be linted on its own, as it is read
    /// ([`crate::ingest::ingest_handling_policy_files`]): when every rule is
    /// built in ([`super::is_builtin`]). A built-in rule judges a
    /// stand-alone policy by itself; a plugin, or any other rule, may look
    /// at the whole account at once, policy files included.
    pub fn lint_policy_files_alone(&self) -> bool {
        self.rules
            .iter()
            .all(|(rule, _, _)| super::is_builtin(*rule))
    }

    /// Runs every rule on one target, appending to `findings`.
    fn check(
        &self,
        account: &Account,
        index: Option<&super::context::RunIndex<'_>>,
        target: Target<'_>,
        mut findings: Vec<Finding>,
        errors: &mut Vec<RuleError>,
    ) -> Vec<Finding> {
        // Rules on one target ask much the same (its execution role, the
        // functions using it): answered once for all.
        let shared = Shared::default();
        for (rule, options, source) in &self.rules {
            let cx = &Context::sharing(account, &self.evaluator, options, &shared, index);
            let mut out = Findings::appending_to(rule.meta(), source.clone(), findings);
            match target {
                Target::Function(f) => rule.check_function(cx, f, &mut out),
                Target::Role(r) => rule.check_role(cx, r, &mut out),
                Target::ResourcePolicy(f, p) => rule.check_resource_policy(cx, f, p, &mut out),
                Target::Policy(p) => rule.check_policy(cx, p, &mut out),
                Target::Account => rule.check_account(cx, &mut out),
            }
            let (all, new_errors) = out.into_parts();
            findings = all;
            errors.extend(new_errors);
        }
        findings
    }

    /// Runs every rule on the model of one policy file
    /// ([`crate::ingest::ingest_handling_policy_files`]) and locates the
    /// findings while its text is at hand. Its account-wide checks run once,
    /// on the whole account ([`PreparedRules::run`]).
    pub fn run_on_policy_file(&self, file: &Account) -> PolicyFileOutput {
        let mut errors = Vec::new();
        let mut findings = Vec::new();
        for policy in &file.policies {
            findings = self.check(file, None, Target::Policy(policy), findings, &mut errors);
        }
        super::complete_locations(file, &mut findings);
        // In report order, here where they are few and in the cache: the
        // files come in path order, so the run's findings are then mostly
        // in order already ([`PreparedRules::run`]).
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        PolicyFileOutput { findings, errors }
    }

    /// Runs every rule over the account, adding what they found in the
    /// policy files linted as they were read. The result is sorted, so it
    /// is the same for any number of threads (run inside a rayon pool to
    /// choose the number).
    pub fn run(&self, account: &Account, policy_files: Vec<PolicyFileOutput>) -> RunOutput {
        // Sized exactly: a large account has hundreds of thousands of targets.
        let resource_policies: usize = account
            .functions
            .values()
            .map(|f| f.resource_policies.len())
            .sum();
        let mut targets: Vec<Target<'_>> = Vec::with_capacity(
            account.functions.len()
                + account.roles.len()
                + resource_policies
                + account.policies.len()
                + 1,
        );
        targets.extend(account.functions.values().map(|f| Target::Function(f)));
        targets.extend(account.roles.values().map(|r| Target::Role(r)));
        for function in account.functions.values() {
            targets.extend(
                function
                    .resource_policies
                    .values()
                    .map(|p| Target::ResourcePolicy(function, p)),
            );
        }
        targets.extend(account.policies.iter().map(Target::Policy));
        targets.push(Target::Account);
        let index = super::context::RunIndex::new(account);
        // Parallel over targets × rules: large accounts have many more
        // targets than there are rules. Each worker appends to one vector of
        // its own: most (target, rule) pairs find nothing, and a vector per
        // pair would cost more than the findings.
        //
        // A worker's findings go into chunks of bounded size: one growing
        // vector would copy every finding again each time it doubles.
        let parts: Vec<(Vec<Vec<Finding>>, Vec<RuleError>)> = targets
            .par_iter()
            .fold(
                || (Vec::new(), Vec::new()),
                |(mut chunks, mut errors): (Vec<Vec<Finding>>, Vec<RuleError>), target| {
                    let findings = match chunks.pop() {
                        Some(last) if last.len() < CHUNK => last,
                        Some(full) => {
                            chunks.push(full);
                            Vec::new()
                        }
                        None => Vec::new(),
                    };
                    let findings =
                        self.check(account, Some(&index), *target, findings, &mut errors);
                    if !findings.is_empty() {
                        chunks.push(findings);
                    }
                    (chunks, errors)
                },
            )
            .filter(|(chunks, errors)| !chunks.is_empty() || !errors.is_empty())
            .collect();
        let total: usize = parts
            .iter()
            .flat_map(|(chunks, _)| chunks.iter().map(Vec::len))
            .chain(policy_files.iter().map(|file| file.findings.len()))
            .sum();
        let mut findings = Vec::with_capacity(total);
        let mut errors = Vec::new();
        for (chunks, e) in parts {
            for chunk in chunks {
                findings.extend(chunk);
            }
            errors.extend(e);
        }
        super::complete_locations(account, &mut findings);
        findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // Located and sorted already, each file's. Sorting the parts and
        // then the whole keeps equal findings in the order the parts had,
        // as sorting the whole at once would; the whole is sorted only
        // when the parts do not follow each other in order (files in
        // several folders, or an account's findings with them).
        for file in policy_files {
            findings.extend(file.findings);
            errors.extend(file.errors);
        }
        let in_order = findings
            .par_windows(2)
            .all(|pair| pair[0].sort_key() <= pair[1].sort_key());
        if !in_order {
            findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        for finding in &mut findings {
            if let Some(severity) = self.selection.severity.get(finding.code.as_ref()) {
                finding.severity = *severity;
            }
        }
        // Equal findings are next to each other; most runs have none.
        let repeated = findings.par_windows(2).any(|pair| pair[0] == pair[1]);
        if repeated {
            findings.dedup();
        }
        errors.sort();
        errors.dedup();
        RunOutput { findings, errors }
    }
}
