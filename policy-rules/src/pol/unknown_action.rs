use policy_core::catalog::{api_operation_authorized_as, catalog};
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Checks every action of `Action` and `NotAction` against rolecall's IAM
    /// action catalog: an unknown service prefix, an unknown action (with the
    /// closest known one, `lambda:InvokeFuntion` → `lambda:InvokeFunction`),
    /// an API operation's name where the action that authorizes it has
    /// another (`s3:ListBuckets` is authorized by `s3:ListAllMyBuckets`),
    /// or a wildcard that matches no action. Names the catalog's version and
    /// date, since AWS adds actions every week: a newer action is a warning to
    /// check, never a failure.
    ///
    /// ## Why is this bad?
    /// A misspelt action grants (or denies) nothing, silently.
    ///
    /// ## Example
    /// `"Action": "lambda:InvokeFuntion"`
    ///
    /// ## Fix
    /// Use the suggested name, or check the service's list of actions.
    pub struct UnknownAction {
        code: "POL002",
        name: "unknown-action",
        category: Correctness,
        severity: Warning,
        summary: "an action or service prefix the catalog does not know, or a wildcard that matches nothing",
    }
}

impl Rule for UnknownAction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let Ok(catalog) = catalog() else { return };
        for statement in &document.statements {
            for (i, action) in statement.action.values.iter().enumerate() {
                if action == "*" {
                    continue;
                }
                // Found only for a finding: most actions are known.
                let location = || cx.policy_location(policy.id, &statement.action.pointer_of(i));
                let Some((prefix, name)) = action.split_once(':') else {
                    out.report(
                        subject(cx, policy),
                        format!("`{action}` is not an action: actions are `service:Name`"),
                    )
                    .at(location())
                    .help("write the service prefix, e.g. `lambda:InvokeFunction`");
                    continue;
                };
                let wildcard = action.contains(['*', '?']);
                // Most actions are known: one look-up settles them.
                if !wildcard && catalog.action(action).is_some() {
                    continue;
                }
                let service = catalog.service(prefix);
                let known_service = prefix.contains(['*', '?']) || service.is_some();
                let (message, help) = if !known_service {
                    // A pattern keeps its wildcards: only its prefix is
                    // corrected (`kafk:*` → `kafka:*`).
                    let suggestion = if wildcard {
                        // The pattern under the closest prefix, if it
                        // names something there; else the prefix alone.
                        catalog.closest_service(prefix).map(|p| {
                            let corrected = format!("{p}:{name}");
                            if catalog.expand(&corrected).is_empty() {
                                format!("{p}:*")
                            } else {
                                corrected
                            }
                        })
                    } else {
                        catalog.closest_action(action).map(str::to_owned)
                    };
                    let help = match suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "check the service prefix in the Service Authorization Reference"
                            .to_owned(),
                    };
                    (format!("service `{prefix}` of `{action}` is not in rolecall's action catalog ({})", catalog.label()), help)
                } else if wildcard {
                    if !catalog.expand(action).is_empty() {
                        continue;
                    }
                    (
                        format!(
                            "`{action}` matches no action in rolecall's action catalog ({})",
                            catalog.label()
                        ),
                        "check the pattern".to_owned(),
                    )
                } else if let Some(actions) = api_operation_authorized_as(action) {
                    // An API operation's name: the closest action name
                    // would be the wrong hint (`s3:ListBucket`).
                    let named: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
                    // Often listed next to them already (AWS SAM's
                    // SQSPollerPolicy): then the name only needs to go.
                    let listed = actions.iter().all(|wanted| {
                        statement
                            .action
                            .values
                            .iter()
                            .any(|a| a.eq_ignore_ascii_case(wanted))
                    });
                    let help = match (named.as_slice(), listed) {
                        ([one], true) => {
                            format!("remove it: {one}, listed already, authorizes the operation")
                        }
                        (_, true) => format!(
                            "remove it: {}, listed already, authorize the operation",
                            named.join(" and ")
                        ),
                        ([one], false) => {
                            format!("write {one}, the action that authorizes the operation")
                        }
                        (_, false) => format!(
                            "write {}, the actions that authorize the operation",
                            named.join(" and ")
                        ),
                    };
                    (
                        format!(
                            "`{action}` is not in rolecall's action catalog ({}): it names an API operation, not an IAM action, and no request matches it",
                            catalog.label()
                        ),
                        help,
                    )
                } else {
                    let help = match catalog.closest_action(action) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("if `{name}` is newer than the catalog, nothing is wrong; otherwise check the name"),
                    };
                    (
                        format!(
                            "`{action}` is not in rolecall's action catalog ({})",
                            catalog.label()
                        ),
                        help,
                    )
                };
                out.report(subject(cx, policy), message)
                    .at(location())
                    .help(help);
            }
        }
    }
}
