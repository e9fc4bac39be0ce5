//! IAM outputs: authorization details, get-role, get-role-policy, get-policy.

use serde_json::Value;

use super::builder::{items, push_unique, text, Builder, Pending};
use crate::eval::PolicyKind;
use crate::model::{
    is_aws_managed_policy_arn, Group, ManagedPolicy, PolicyOrigin, Role, SourceRef, User,
};

impl Builder<'_> {
    pub(super) fn add_authorization_details(&mut self, file: usize, value: &Value) {
        for (item, pointer) in items(value, "Policies", "") {
            self.add_managed_policy(file, &pointer, item);
        }
        for (item, pointer) in items(value, "RoleDetailList", "") {
            self.add_role(file, &pointer, item);
        }
        for (item, pointer) in items(value, "GroupDetailList", "") {
            self.add_group(file, &pointer, item);
        }
        for (item, pointer) in items(value, "UserDetailList", "") {
            self.add_user(file, &pointer, item);
        }
    }

    /// Inline policies: `[{PolicyName, PolicyDocument}]` under `key`.
    fn inline_policies(
        &mut self,
        file: usize,
        pointer: &str,
        item: &Value,
        key: &str,
        owner: &str,
    ) -> Vec<(String, crate::model::PolicyId)> {
        let mut out = Vec::new();
        for (policy, at) in items(item, key, pointer) {
            let name = text(policy, "PolicyName").unwrap_or_default();
            match policy.get("PolicyDocument") {
                Some(document) => {
                    let id = self.add_policy(
                        Some(file),
                        &format!("{at}/PolicyDocument"),
                        document,
                        PolicyKind::Identity,
                        PolicyOrigin::Inline {
                            owner: owner.to_owned(),
                            name: name.clone(),
                        },
                    );
                    out.push((name, id));
                }
                None => self.problem(
                    file,
                    &at,
                    format!("inline policy `{name}` has no `PolicyDocument`"),
                    None,
                ),
            }
        }
        out
    }

    fn attached(item: &Value) -> Vec<String> {
        item.get("AttachedManagedPolicies")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(|p| text(p, "PolicyArn")).collect())
            .unwrap_or_default()
    }

    fn boundary(item: &Value) -> Option<String> {
        item.get("PermissionsBoundary")
            .and_then(|b| text(b, "PermissionsBoundaryArn"))
    }

    pub(super) fn add_role(&mut self, file: usize, pointer: &str, item: &Value) {
        let Some(arn) = text(item, "Arn") else {
            self.problem(
                file,
                pointer,
                "a role without `Arn`",
                Some("the AWS CLI always prints it; was the file edited?"),
            );
            return;
        };
        let trust = item.get("AssumeRolePolicyDocument").map(|document| {
            self.add_policy(
                Some(file),
                &format!("{pointer}/AssumeRolePolicyDocument"),
                document,
                PolicyKind::Resource,
                PolicyOrigin::Trust { role: arn.clone() },
            )
        });
        let inline = self.inline_policies(file, pointer, item, "RolePolicyList", &arn);
        let tags = item
            .get("Tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| Some((text(t, "Key")?, text(t, "Value").unwrap_or_default())))
                    .collect()
            })
            .unwrap_or_default();
        let role = self.account.roles.entry(arn.clone()).or_insert_with(|| {
            Box::new(Role {
                account: crate::arn::split(&arn)
                    .map(|p| p[4].to_owned())
                    .unwrap_or_default(),
                arn: arn.clone(),
                ..Role::default()
            })
        });
        role.name = text(item, "RoleName")
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned());
        role.path = text(item, "Path").unwrap_or_else(|| "/".to_owned());
        if role.trust_policy.is_none() {
            role.trust_policy = trust;
        }
        role.inline_policies.extend(inline);
        push_unique(&mut role.attached_policies, Self::attached(item));
        if let Some(boundary) = Self::boundary(item) {
            role.permissions_boundary = Some(boundary);
        }
        if tags_present(item) {
            role.tags = tags;
        }
        if let Some(last) = item
            .get("RoleLastUsed")
            .and_then(|l| text(l, "LastUsedDate"))
        {
            role.last_used = Some(last);
        }
        role.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    fn add_user(&mut self, file: usize, pointer: &str, item: &Value) {
        let Some(arn) = text(item, "Arn") else {
            self.problem(file, pointer, "a user without `Arn`", None);
            return;
        };
        let inline = self.inline_policies(file, pointer, item, "UserPolicyList", &arn);
        let user = self
            .account
            .users
            .entry(arn.clone())
            .or_insert_with(|| User {
                account: crate::arn::split(&arn)
                    .map(|p| p[4].to_owned())
                    .unwrap_or_default(),
                arn: arn.clone(),
                ..User::default()
            });
        user.name = text(item, "UserName").unwrap_or_default();
        user.inline_policies.extend(inline);
        push_unique(&mut user.attached_policies, Self::attached(item));
        push_unique(&mut user.groups, super::builder::texts(item, "GroupList"));
        if let Some(boundary) = Self::boundary(item) {
            user.permissions_boundary = Some(boundary);
        }
        user.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    fn add_group(&mut self, file: usize, pointer: &str, item: &Value) {
        let Some(arn) = text(item, "Arn") else {
            self.problem(file, pointer, "a group without `Arn`", None);
            return;
        };
        let inline = self.inline_policies(file, pointer, item, "GroupPolicyList", &arn);
        let group = self
            .account
            .groups
            .entry(arn.clone())
            .or_insert_with(|| Group {
                arn: arn.clone(),
                ..Group::default()
            });
        group.name = text(item, "GroupName").unwrap_or_default();
        group.inline_policies.extend(inline);
        push_unique(&mut group.attached_policies, Self::attached(item));
        group.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    /// A managed policy with its versions: the default version's document is
    /// the one that applies.
    fn add_managed_policy(&mut self, file: usize, pointer: &str, item: &Value) {
        let Some(arn) = text(item, "Arn") else {
            self.problem(file, pointer, "a managed policy without `Arn`", None);
            return;
        };
        let default_version = text(item, "DefaultVersionId");
        let versions = items(item, "PolicyVersionList", pointer);
        let chosen = versions
            .iter()
            .find(|(v, _)| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true))
            .or_else(|| {
                versions
                    .iter()
                    .find(|(v, _)| text(v, "VersionId") == default_version)
            });
        let origin = if is_aws_managed_policy_arn(&arn) {
            PolicyOrigin::AwsManaged {
                arn: arn.clone(),
                embedded: false,
            }
        } else {
            PolicyOrigin::CustomerManaged { arn: arn.clone() }
        };
        let document = match chosen {
            Some((version, at)) => version.get("Document").map(|d| {
                self.add_policy(
                    Some(file),
                    &format!("{at}/Document"),
                    d,
                    PolicyKind::Identity,
                    origin,
                )
            }),
            None => {
                if !versions.is_empty() {
                    self.problem(
                        file,
                        pointer,
                        format!("managed policy `{arn}` lists no default version"),
                        None,
                    );
                }
                None
            }
        };
        let entry = self
            .account
            .managed_policies
            .entry(arn.clone())
            .or_insert_with(|| ManagedPolicy {
                arn: arn.clone(),
                ..ManagedPolicy::default()
            });
        entry.name = text(item, "PolicyName")
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned());
        entry.default_version = default_version.or(entry.default_version.take());
        if entry.document.is_none() {
            entry.document = document;
        }
        entry.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    /// `iam get-policy`: metadata only (no document).
    pub(super) fn add_policy_metadata(&mut self, file: usize, value: &Value) {
        let Some(policy) = value.get("Policy") else {
            return;
        };
        let Some(arn) = text(policy, "Arn") else {
            self.problem(file, "/Policy", "a managed policy without `Arn`", None);
            return;
        };
        let entry = self
            .account
            .managed_policies
            .entry(arn.clone())
            .or_insert_with(|| ManagedPolicy {
                arn: arn.clone(),
                ..ManagedPolicy::default()
            });
        entry.name = text(policy, "PolicyName").unwrap_or_default();
        if entry.default_version.is_none() {
            entry.default_version = text(policy, "DefaultVersionId");
        }
        entry.source.get_or_insert(SourceRef {
            file,
            pointer: "/Policy".to_owned(),
        });
    }

    /// `iam get-role-policy`: names its role only by name.
    pub(super) fn add_role_policy(&mut self, file: usize, value: &Value) {
        let role_name = text(value, "RoleName").unwrap_or_default();
        let policy_name = text(value, "PolicyName").unwrap_or_default();
        let Some(document) = value.get("PolicyDocument") else {
            return;
        };
        let policy = self.add_policy(
            Some(file),
            "/PolicyDocument",
            document,
            PolicyKind::Identity,
            PolicyOrigin::Standalone,
        );
        if role_name.is_empty() {
            self.account.standalone_policies.push(policy);
        } else {
            self.pending.push(Pending::RolePolicyByName {
                role_name,
                policy_name,
                policy,
            });
        }
    }
}

fn tags_present(item: &Value) -> bool {
    item.get("Tags")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
}
