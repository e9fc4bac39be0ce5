use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::{PolicyOrigin, PolicyRecord};

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Compares each policy's size (without white space, as IAM counts it)
    /// with its quota: role inline policies 10,240 characters, customer
    /// managed policies 6,144, role trust policies 2,048 (the default), user
    /// inline 2,048, group inline 5,120, Lambda resource policies 20,480 bytes.
    /// A policy file, not attached to anything yet, is held to the largest
    /// quota of its kind (10,240 for an identity policy, 32,768 — a KMS key
    /// policy's — for one with a `Principal`, 20,480 for one with a
    /// `Principal` whose every action is Lambda's, as only a function's
    /// policy can be). The size is the document as written: a single string
    /// counts as a string, not as the list it stands for.
    ///
    /// ## Why is this bad?
    /// AWS refuses the next change, usually in the middle of a deployment.
    ///
    /// ## Example
    /// An inline policy listing 400 ARNs one by one.
    ///
    /// ## Fix
    /// Use wildcards on a common prefix, split into managed policies, or move
    /// grants to resource policies.
    pub struct PolicyTooLarge {
        code: "POL015",
        name: "policy-too-large",
        category: Correctness,
        severity: Error,
        summary: "the document is over its size quota",
    }
}

impl Rule for PolicyTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let (what, quota) = match &policy.origin {
            PolicyOrigin::Inline { owner, .. } if owner.contains(":user/") => {
                ("user inline policy", 2_048)
            }
            PolicyOrigin::Inline { owner, .. } if owner.contains(":group/") => {
                ("group inline policy", 5_120)
            }
            PolicyOrigin::Inline { .. } => ("role inline policy", 10_240),
            PolicyOrigin::CustomerManaged { .. } => ("managed policy", 6_144),
            PolicyOrigin::Trust { .. } => ("trust policy", 2_048),
            PolicyOrigin::FunctionPolicy { .. } => ("Lambda resource policy", 20_480),
            // A policy file is not attached yet: only what no policy of
            // its kind may be — over a role's inline quota (the largest an
            // identity policy has), or a KMS key policy's (the largest of
            // the resource policies).
            PolicyOrigin::Standalone
                if policy.kind() == policy_core::eval::PolicyKind::Identity =>
            {
                ("identity policy", 10_240)
            }
            // One whose every action is Lambda's can only be a function's.
            PolicyOrigin::Standalone if only_lambda_actions(document) => {
                ("Lambda resource policy", 20_480)
            }
            PolicyOrigin::Standalone => ("resource policy", 32_768),
            _ => return,
        };
        let size = document.written_chars();
        if size <= quota {
            return;
        }
        out.report(
            subject(cx, policy),
            format!("this {what} is {size} characters long; the quota is {quota}"),
        )
        .at(cx.policy_location(policy.id, ""))
        .help("use wildcards on common prefixes, or split it into several policies");
    }
}

/// Whether every action the document names is Lambda's (`lambda:…`), as in
/// a function's resource policy.
fn only_lambda_actions(document: &policy_core::policy::PolicyDocument) -> bool {
    let mut actions = document
        .statements
        .iter()
        .flat_map(|s| s.action.values.iter())
        .peekable();
    actions.peek().is_some()
        && actions.all(|a| {
            a.split_once(':')
                .is_some_and(|(prefix, _)| prefix.eq_ignore_ascii_case("lambda"))
        })
}
