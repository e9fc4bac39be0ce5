use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Flags two statements of one policy with the same `Sid`.
    ///
    /// ## Why is this bad?
    /// Lambda, SQS and SNS reject duplicate Sids in resource policies, and
    /// `RemovePermission` by Sid removes the wrong statement.
    ///
    /// ## Example
    /// Two statements both named `"Sid": "AllowS3"`.
    ///
    /// ## Fix
    /// Give each statement its own Sid.
    pub struct DuplicateSid {
        code: "POL008",
        name: "duplicate-sid",
        category: Correctness,
        severity: Warning,
        summary: "two statements share a Sid",
    }
}

impl Rule for DuplicateSid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for statement in &document.statements {
            let Some(sid) = statement.sid.as_deref().filter(|s| !s.is_empty()) else {
                continue;
            };
            match seen.iter().find(|(s, _)| *s == sid) {
                Some((_, first)) => {
                    out.report(
                        subject(cx, policy),
                        format!(
                            "Sid `{sid}` is used by statements {first} and {}",
                            statement.index
                        ),
                    )
                    .at(cx.policy_location(policy.id, &format!("{}/Sid", statement.pointer)))
                    .help("give each statement its own Sid");
                }
                None => seen.push((sid, statement.index)),
            }
        }
    }
}
