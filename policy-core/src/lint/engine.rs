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
    let evaluator = Evaluator::new();
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
    let null = Value::Null;
    let rules: Vec<(&'static dyn Rule, &Value, Cow<'static, str>)> = selection
        .rules
        .iter()
        .map(|rule| {
            let code = rule.meta().code;
            let options = selection.options.get(code).unwrap_or(&null);
            let source = match selection.sources.get(code) {
                Some(plugin) => Cow::Owned(plugin.clone()),
                None => Cow::Borrowed("builtin"),
            };
            (*rule, options, source)
        })
        .collect();
    // Parallel over targets × rules: large accounts have many more targets
    // than there are rules. Each worker appends to one vector of its own:
    // most (target, rule) pairs find nothing, and a vector per pair would
    // cost more than the findings.
    //
    // A worker's findings go into chunks of bounded size: one growing vector
    // would copy every finding again each time it doubles.
    let parts: Vec<(Vec<Vec<Finding>>, Vec<RuleError>)> = targets
        .par_iter()
        .fold(
            || (Vec::new(), Vec::new()),
            |(mut chunks, mut errors): (Vec<Vec<Finding>>, Vec<RuleError>), target| {
                let mut findings = match chunks.pop() {
                    Some(last) if last.len() < CHUNK => last,
                    Some(full) => {
                        chunks.push(full);
                        Vec::new()
                    }
                    None => Vec::new(),
                };
                // Rules on one target ask much the same (its execution
                // role, the functions using it): answered once for all.
                let shared = Shared::default();
                for (rule, options, source) in &rules {
                    let cx = &Context::sharing(account, &evaluator, options, &shared, Some(&index));
                    let mut out = Findings::appending_to(
                        rule.meta(),
                        source.clone(),
                        std::mem::take(&mut findings),
                    );
                    match *target {
                        Target::Function(f) => rule.check_function(cx, f, &mut out),
                        Target::Role(r) => rule.check_role(cx, r, &mut out),
                        Target::ResourcePolicy(f, p) => {
                            rule.check_resource_policy(cx, f, p, &mut out)
                        }
                        Target::Policy(p) => rule.check_policy(cx, p, &mut out),
                        Target::Account => rule.check_account(cx, &mut out),
                    }
                    let (all, new_errors) = out.into_parts();
                    findings = all;
                    errors.extend(new_errors);
                }
                if !findings.is_empty() {
                    chunks.push(findings);
                }
                (chunks, errors)
            },
        )
        .filter(|(chunks, errors)| !chunks.is_empty() || !errors.is_empty())
        .collect();
    let total = parts
        .iter()
        .flat_map(|(chunks, _)| chunks.iter().map(Vec::len))
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
    for finding in &mut findings {
        if let Some(severity) = selection.severity.get(finding.code.as_ref()) {
            finding.severity = *severity;
        }
    }
    findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    errors.sort();
    errors.dedup();
    RunOutput { findings, errors }
}
