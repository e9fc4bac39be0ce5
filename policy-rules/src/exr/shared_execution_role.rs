use std::collections::BTreeMap;

use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds roles that are the execution role of more than one function and
    /// lists the functions sharing each.
    ///
    /// ## Why is this bad?
    /// Every function gets the union of what all of them need: a bug in one
    /// exposes the others' data, and no permission can ever be removed safely.
    ///
    /// ## Example
    /// `orders-api` and `queue-worker` both run as `app-role`.
    ///
    /// ## Fix
    /// Give each function its own role with only what it needs.
    pub struct SharedExecutionRole {
        code: "EXR006",
        name: "shared-execution-role",
        category: BestPractice,
        severity: Warning,
        summary: "one role is the execution role of several functions",
    }
}

impl Rule for SharedExecutionRole {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_account(&self, cx: &Context<'_>, out: &mut Findings) {
        let mut by_role: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for function in cx
            .account
            .functions
            .values()
            .filter(|f| f.has_configuration)
        {
            if let Some(role) = function.role.as_deref() {
                by_role.entry(role).or_default().push(&function.name);
            }
        }
        for (role, functions) in by_role.into_iter().filter(|(_, f)| f.len() > 1) {
            let location = cx
                .account
                .roles
                .get(role)
                .and_then(|r| cx.location(r.source.as_ref()));
            out.report(
                role,
                format!(
                    "`{}` is the execution role of {} functions: {}",
                    role.rsplit('/').next().unwrap_or(role),
                    functions.len(),
                    functions
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(location)
            .help("give each function its own role with only the permissions it needs");
        }
    }
}
