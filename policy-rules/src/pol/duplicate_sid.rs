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
        // Every statement with a `Sid`, usable or left out for an error, in
        // document order: (index, pointer, Sid).
        let mut all: Vec<(usize, &str, &str)> = document
            .statements
            .iter()
            .filter_map(|s| Some((s.index, s.pointer.as_str(), s.sid.as_deref()?)))
            .chain(
                document
                    .left_out
                    .iter()
                    .map(|s| (s.index, s.pointer.as_str(), s.sid.as_str())),
            )
            .filter(|(_, _, sid)| !sid.is_empty())
            .collect();
        all.sort_unstable_by_key(|(index, _, _)| *index);
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for (index, pointer, sid) in all {
            match seen.iter().find(|(s, _)| *s == sid) {
                Some((_, first)) => {
                    out.report(
                        subject(cx, policy),
                        format!("Sid `{sid}` is used by statements {first} and {index}"),
                    )
                    .at(cx.policy_location(policy.id, &format!("{pointer}/Sid")))
                    .help("give each statement its own Sid");
                }
                None => seen.push((sid, index)),
            }
        }
    }
}
