use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::Role;
use policy_core::policy::{Effect, PrincipalKind, Principals};

declare_rule! {
    /// ## What it does
    /// Asks the evaluator who may `sts:AssumeRole` an execution role besides
    /// `lambda.amazonaws.com`: accounts, `*`, other services, identity providers
    /// named in its trust policy (conditions are taken into account).
    ///
    /// ## Why is this bad?
    /// Whoever can assume the role gets everything the function can do,
    /// outside the function. An execution role needs to trust Lambda only.
    ///
    /// ## Example
    /// A trust policy that also names `{"AWS": "arn:aws:iam::444455556666:root"}`.
    ///
    /// ## Fix
    /// Trust only `lambda.amazonaws.com`; give other callers their own role.
    pub struct ExecutionRoleTrustTooBroad {
        code: "EXR014",
        name: "execution-role-trust-too-broad",
        category: Security,
        severity: Warning,
        summary: "the trust policy also lets principals other than Lambda assume the role",
    }
}

impl Rule for ExecutionRoleTrustTooBroad {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        if cx.functions_using(&role.arn).is_empty() {
            return;
        }
        let Some(trust) = role.trust_policy else {
            return;
        };
        let Some(document) = cx.account.policy(trust).document.as_deref() else {
            return;
        };
        // Everyone the trust policy names, plus anyone at all.
        let mut candidates: Vec<(String, String)> =
            vec![("anyone".to_owned(), "anonymous".to_owned())];
        for statement in document
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let Some(element) = statement.principal.as_ref().filter(|p| !p.negated) else {
                continue;
            };
            let Principals::Entries(entries) = &element.principals else {
                continue;
            };
            for entry in entries {
                let (label, principal) = match entry.kind {
                    PrincipalKind::Service if entry.value == "lambda.amazonaws.com" => continue,
                    PrincipalKind::Service => {
                        (format!("service `{}`", entry.value), entry.value.clone())
                    }
                    PrincipalKind::Federated => (
                        format!("identity provider `{}`", entry.value),
                        entry.value.clone(),
                    ),
                    PrincipalKind::Aws if entry.value == "*" => continue,
                    PrincipalKind::Aws if policy_core::arn::is_account_id(&entry.value) => (
                        format!("account `{}`", entry.value),
                        format!("arn:aws:iam::{}:root", entry.value),
                    ),
                    PrincipalKind::Aws if entry.value.ends_with(":root") => {
                        let account = entry.value.split(':').nth(4).unwrap_or_default();
                        (format!("account `{account}`"), entry.value.clone())
                    }
                    PrincipalKind::Aws => (format!("`{}`", entry.value), entry.value.clone()),
                    PrincipalKind::CanonicalUser => continue,
                };
                if !candidates.iter().any(|(l, _)| *l == label) {
                    candidates.push((label, principal));
                }
            }
        }
        let others: Vec<String> = candidates
            .into_iter()
            .filter(|(_, principal)| {
                cx.resource_policy_allows(trust, principal, "sts:AssumeRole", &role.arn, &[])
            })
            .map(|(label, _)| label)
            .collect();
        if others.is_empty() {
            return;
        }
        out.report(
            &role.arn,
            format!(
                "execution role `{}` can also be assumed by {}",
                role.name,
                others.join(", ")
            ),
        )
        .at(cx.policy_location(trust, ""))
        .help("trust only lambda.amazonaws.com in an execution role");
    }
}
