use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::PolicyVersion;

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Flags policies without `"Version": "2012-10-17"`.
    ///
    /// ## Why is this bad?
    /// Without it (or with `2008-10-17`) policy variables are literal text:
    /// `arn:aws:s3:::home/${aws:username}/*` matches only an object literally
    /// named `${aws:username}`.
    ///
    /// ## Example
    /// `{"Statement": [...]}`
    ///
    /// ## Fix
    /// Add `"Version": "2012-10-17"` as the first element.
    pub struct VersionMissingOrOld {
        code: "POL007",
        name: "version-missing-or-old",
        category: Correctness,
        severity: Warning,
        summary: "no Version, or 2008-10-17 (policy variables are then literal text)",
    }
}

impl Rule for VersionMissingOrOld {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let (message, pointer) = match document.version {
            PolicyVersion::V2012_10_17 => return,
            PolicyVersion::Unspecified => ("the policy has no `Version`: policy variables are literal text".to_owned(), ""),
            PolicyVersion::V2008_10_17 => ("the policy uses the legacy version `2008-10-17`: policy variables are literal text".to_owned(), "/Version"),
        };
        out.report(subject(cx, policy), message)
            .at(cx.policy_location(policy.id, pointer))
            .help("add \"Version\": \"2012-10-17\"");
    }
}
