//! Questions to the model that assemble the policies of a principal or a
//! resource, ready for the evaluator.

use std::sync::Arc;

use super::{unqualified_function_arn, Account, PolicyId};
use crate::eval::{CompiledPolicy, PolicySet};

impl Account {
    fn compiled(&self, id: PolicyId) -> Arc<CompiledPolicy> {
        self.policy(id).compiled.clone()
    }

    fn managed_document(&self, arn: &str) -> Option<Arc<CompiledPolicy>> {
        self.managed_policies
            .get(arn)
            .and_then(|p| p.document)
            .map(|id| self.compiled(id))
    }

    /// The identity policies, in the order AWS lists them: inline, then
    /// attached managed (for users, then each group's).
    pub fn identity_policy_ids(&self, principal_arn: &str) -> Vec<PolicyId> {
        let mut ids = Vec::new();
        let managed = |arns: &[String], ids: &mut Vec<PolicyId>| {
            ids.extend(
                arns.iter()
                    .filter_map(|arn| self.managed_policies.get(arn).and_then(|p| p.document)),
            );
        };
        if let Some(role) = self.roles.get(principal_arn) {
            ids.extend(role.inline_policies.values().copied());
            managed(&role.attached_policies, &mut ids);
        } else if let Some(user) = self.users.get(principal_arn) {
            ids.extend(user.inline_policies.values().copied());
            managed(&user.attached_policies, &mut ids);
            for group in self
                .groups
                .values()
                .filter(|g| user.groups.contains(&g.name) && same_account(&g.arn, &user.arn))
            {
                ids.extend(group.inline_policies.values().copied());
                managed(&group.attached_policies, &mut ids);
            }
        }
        ids
    }

    /// [`Account::principal_policies`] of a role already at hand: inline,
    /// then attached managed policies, and the boundary.
    pub fn role_policies(&self, role: &super::Role) -> PolicySet {
        self.role_policies_with(role, |arn| self.managed_policies.get(arn))
    }

    /// [`Account::role_policies`], finding managed policies with `managed`
    /// (the rules find them through a per-run hash index).
    pub(crate) fn role_policies_with<'a>(
        &'a self,
        role: &super::Role,
        managed: impl Fn(&str) -> Option<&'a super::ManagedPolicy>,
    ) -> PolicySet {
        let document = |arn: &String| managed(arn).and_then(|p| p.document);
        let attached = role.attached_policies.iter().filter_map(document);
        PolicySet {
            identity: role
                .inline_policies
                .values()
                .copied()
                .chain(attached)
                .map(|id| self.compiled(id))
                .collect(),
            boundary: role
                .permissions_boundary
                .as_ref()
                .and_then(document)
                .map(|id| self.compiled(id))
                .into_iter()
                .collect(),
            ..PolicySet::default()
        }
    }

    /// The policies a role or user brings to a request: identity policies
    /// and permissions boundary.
    pub fn principal_policies(&self, principal_arn: &str) -> PolicySet {
        if let Some(role) = self.roles.get(principal_arn) {
            return self.role_policies(role);
        }
        let boundary = self
            .roles
            .get(principal_arn)
            .and_then(|r| r.permissions_boundary.as_deref())
            .or_else(|| {
                self.users
                    .get(principal_arn)
                    .and_then(|u| u.permissions_boundary.as_deref())
            });
        PolicySet {
            identity: self
                .identity_policy_ids(principal_arn)
                .into_iter()
                .map(|id| self.compiled(id))
                .collect(),
            boundary: boundary
                .and_then(|arn| self.managed_document(arn))
                .into_iter()
                .collect(),
            ..PolicySet::default()
        }
    }

    /// The resource-based policy that governs a request on `resource`: the
    /// function (or version, or alias) policy, or a role's trust policy.
    pub fn resource_policy_ids(&self, resource: &str) -> Vec<PolicyId> {
        Self::resource_policy_ids_with(
            resource,
            |arn| self.roles.get(arn).map(|r| &**r),
            |arn| self.functions.get(arn).map(|f| &**f),
        )
    }

    /// [`Account::resource_policy_ids`], finding roles and functions (by
    /// unqualified ARN) with `role` and `function`.
    pub(crate) fn resource_policy_ids_with<'a>(
        resource: &str,
        role: impl Fn(&str) -> Option<&'a super::Role>,
        function: impl Fn(&str) -> Option<&'a super::Function>,
    ) -> Vec<PolicyId> {
        if let Some(role) = role(resource) {
            return role.trust_policy.into_iter().collect();
        }
        let Some(function) = function(unqualified_function_arn(resource)) else {
            return Vec::new();
        };
        let qualifier = super::split_qualifier(resource).map(|(_, q)| q.to_owned());
        function
            .resource_policies
            .get(&qualifier)
            .map(|p| p.policy)
            .into_iter()
            .collect()
    }
}

fn same_account(a: &str, b: &str) -> bool {
    crate::arn::split(a).map(|p| p[4]) == crate::arn::split(b).map(|p| p[4])
}
