use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;
use policy_core::policy::Effect;

use super::{any_name, names_every_action, subject, user_document};

declare_rule! {
    /// ## What it does
    /// Flags `Allow` statements whose `Action` is `*` or a whole service
    /// (`s3:*`), however the stars are written (`*:*`, `s3:**`, `s3:?*`). A grant
    /// that an unconditional `Deny` of the same policy takes back on every
    /// resource (`Deny` `s3:*` on `*`) is not reported: it allows nothing.
    ///
    /// ## Why is this bad?
    /// Every action of the service — including deleting, re-permissioning and
    /// every action AWS adds later — for a need that is almost always a few
    /// actions.
    ///
    /// ## Example
    /// `{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:…:table/orders"}`
    ///
    /// ## Fix
    /// List the actions used (`dynamodb:GetItem`, `dynamodb:PutItem`, …).
    pub struct WildcardAction {
        code: "POL012",
        name: "wildcard-action",
        category: BestPractice,
        severity: Warning,
        summary: "`*` or `service:*` allowed",
    }
}

impl Rule for WildcardAction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let denials = document.unconditional_denials();
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && !s.action.negated)
        {
            for (i, action) in statement.action.values.iter().enumerate() {
                // Every action (`*`, `*:*`), or every action of one service
                // (`s3:*`, `s3:**`).
                let whole = names_every_action(action)
                    || action.split_once(':').is_some_and(|(service, name)| {
                        any_name(name) && !service.contains(['*', '?'])
                    });
                // An unconditional `Deny` of the same actions on every
                // resource takes the grant back: nothing is allowed.
                if whole && !denials.refuse_everywhere(action) {
                    out.report(
                        subject(cx, policy),
                        format!("statement {} allows `{action}`", statement.index),
                    )
                    .at(cx.policy_location(policy.id, &statement.action.pointer_of(i)))
                    .help("list the actions that are used");
                }
            }
        }
    }
}
