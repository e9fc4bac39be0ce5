use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::Effect;

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// Flags `Allow` statements that use `NotAction`, `NotResource` or
    /// `NotPrincipal`.
    ///
    /// ## Why is this bad?
    /// They grant everything not listed — including every action and
    /// resource AWS adds later. Such statements are almost always broader than
    /// intended.
    ///
    /// ## Example
    /// `{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`
    ///
    /// ## Fix
    /// List what is allowed with `Action`/`Resource`; keep `Not…` for `Deny`.
    pub struct AllowWithNot {
        code: "POL010",
        name: "allow-with-not",
        category: Security,
        severity: Warning,
        summary: "`Allow` with `NotAction`, `NotResource` or `NotPrincipal`",
    }
}

impl Rule for AllowWithNot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let mut uses = Vec::new();
            if statement.action.negated {
                uses.push(("NotAction", statement.action.pointer.clone()));
            }
            if let Some(r) = statement.resource.as_ref().filter(|r| r.negated) {
                uses.push(("NotResource", r.pointer.clone()));
            }
            if let Some(p) = statement.principal.as_ref().filter(|p| p.negated) {
                uses.push(("NotPrincipal", p.pointer.clone()));
            }
            for (element, pointer) in uses {
                out.report(
                    subject(cx, policy),
                    format!(
                        "statement {} allows with `{element}`: it grants everything not listed",
                        statement.index
                    ),
                )
                .at(cx.policy_location(policy.id, &pointer))
                .help(format!("list what is allowed instead of `{element}`"));
            }
        }
    }
}
