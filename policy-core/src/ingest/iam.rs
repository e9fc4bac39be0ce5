//! IAM outputs: authorization details, get-role, get-role-policy, get-policy.

use serde_json::Value;

use super::builder::{push_unique, text, Builder, Pending};
use super::records::{
    AttachedPolicyRecord, AuthorizationDetails, GroupRecord, InlinePolicyRecord, List,
    ManagedPolicyRecord, Object, Present, RoleRecord, UserRecord,
};
use crate::eval::PolicyKind;
use crate::model::{
    is_aws_managed_policy_arn, Group, ManagedPolicy, PolicyOrigin, Role, SourceRef, User,
};

impl Builder<'_> {
    pub(super) fn add_authorization_details(&mut self, file: usize, details: AuthorizationDetails) {
        for (i, item) in details.policies.0.into_iter().enumerate() {
            self.add_managed_policy(file, &format!("/Policies/{i}"), item.0);
        }
        fn items<T>(list: Present<List<Object<T>>>) -> Vec<Object<T>> {
            list.0.unwrap_or_default().0
        }
        for (i, item) in items(details.roles).into_iter().enumerate() {
            self.add_role(file, &format!("/RoleDetailList/{i}"), item.0);
        }
        for (i, item) in items(details.groups).into_iter().enumerate() {
            self.add_group(file, &format!("/GroupDetailList/{i}"), item.0);
        }
        for (i, item) in items(details.users).into_iter().enumerate() {
            self.add_user(file, &format!("/UserDetailList/{i}"), item.0);
        }
    }

    /// Inline policies: `[{PolicyName, PolicyDocument}]` under `key`.
    fn inline_policies(
        &mut self,
        file: usize,
        pointer: &str,
        list: List<Object<InlinePolicyRecord>>,
        key: &str,
        owner: &str,
    ) -> Vec<(String, crate::model::PolicyId)> {
        let mut out = Vec::new();
        for (i, policy) in list.0.into_iter().enumerate() {
            let at = format!("{pointer}/{key}/{i}");
            let name = policy.0.name.0.unwrap_or_default();
            match policy.0.document.0 {
                Some(document) => {
                    let id = self.add_document(
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

    fn attached(list: List<Object<AttachedPolicyRecord>>) -> Vec<String> {
        list.0.into_iter().filter_map(|p| p.0.arn.0).collect()
    }

    pub(super) fn add_role(&mut self, file: usize, pointer: &str, record: RoleRecord) {
        let Some(arn) = record.arn.0 else {
            self.problem(
                file,
                pointer,
                "a role without `Arn`",
                Some("the AWS CLI always prints it; was the file edited?"),
            );
            return;
        };
        let trust = record.trust.0.map(|document| {
            self.add_document(
                Some(file),
                &format!("{pointer}/AssumeRolePolicyDocument"),
                document,
                PolicyKind::Resource,
                PolicyOrigin::Trust { role: arn.clone() },
            )
        });
        let inline = self.inline_policies(file, pointer, record.inline, "RolePolicyList", &arn);
        let tags_present = !record.tags.0.is_empty();
        let tags = record
            .tags
            .0
            .into_iter()
            .filter_map(|t| Some((t.0.key.0?, t.0.value.0.unwrap_or_default())))
            .collect();
        let role = self.account.roles.entry(arn.clone()).or_insert_with(|| {
            Box::new(Role {
                account: crate::arn::split(&arn)
                    .map(|p| p[4].to_owned())
                    .unwrap_or_default(),
                arn: arn.clone(),
                ..Role::default()
            })
        });
        role.name = record
            .name
            .0
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned());
        role.path = record.path.0.unwrap_or_else(|| "/".to_owned());
        if role.trust_policy.is_none() {
            role.trust_policy = trust;
        }
        role.inline_policies.extend(inline);
        push_unique(&mut role.attached_policies, Self::attached(record.attached));
        if let Some(boundary) = record.boundary.0.arn.0 {
            role.permissions_boundary = Some(boundary);
        }
        if tags_present {
            role.tags = tags;
        }
        if let Some(last) = record.last_used.0.date.0 {
            role.last_used = Some(last);
        }
        role.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    fn add_user(&mut self, file: usize, pointer: &str, record: UserRecord) {
        let Some(arn) = record.arn.0 else {
            self.problem(file, pointer, "a user without `Arn`", None);
            return;
        };
        let inline = self.inline_policies(file, pointer, record.inline, "UserPolicyList", &arn);
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
        user.name = record.name.0.unwrap_or_default();
        user.inline_policies.extend(inline);
        push_unique(&mut user.attached_policies, Self::attached(record.attached));
        push_unique(
            &mut user.groups,
            record.groups.0.into_iter().filter_map(|g| g.0),
        );
        if let Some(boundary) = record.boundary.0.arn.0 {
            user.permissions_boundary = Some(boundary);
        }
        user.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    fn add_group(&mut self, file: usize, pointer: &str, record: GroupRecord) {
        let Some(arn) = record.arn.0 else {
            self.problem(file, pointer, "a group without `Arn`", None);
            return;
        };
        let inline = self.inline_policies(file, pointer, record.inline, "GroupPolicyList", &arn);
        let group = self
            .account
            .groups
            .entry(arn.clone())
            .or_insert_with(|| Group {
                arn: arn.clone(),
                ..Group::default()
            });
        group.name = record.name.0.unwrap_or_default();
        group.inline_policies.extend(inline);
        push_unique(
            &mut group.attached_policies,
            Self::attached(record.attached),
        );
        group.source.get_or_insert(SourceRef {
            file,
            pointer: pointer.to_owned(),
        });
    }

    /// A managed policy with its versions: the default version's document is
    /// the one that applies.
    fn add_managed_policy(&mut self, file: usize, pointer: &str, record: ManagedPolicyRecord) {
        let Some(arn) = record.arn.0 else {
            self.problem(file, pointer, "a managed policy without `Arn`", None);
            return;
        };
        let default_version = record.default_version.0;
        let versions = record.versions.0;
        let any_version = !versions.is_empty();
        let chosen = versions
            .iter()
            .position(|v| v.0.is_default.0 == Some(true))
            .or_else(|| versions.iter().position(|v| v.0.id.0 == default_version));
        let origin = if is_aws_managed_policy_arn(&arn) {
            PolicyOrigin::AwsManaged {
                arn: arn.clone(),
                embedded: false,
            }
        } else {
            PolicyOrigin::CustomerManaged { arn: arn.clone() }
        };
        let document = match chosen {
            Some(i) => versions
                .into_iter()
                .nth(i)
                .and_then(|v| v.0.document.0)
                .map(|d| {
                    self.add_document(
                        Some(file),
                        &format!("{pointer}/PolicyVersionList/{i}/Document"),
                        d,
                        PolicyKind::Identity,
                        origin,
                    )
                }),
            None => {
                if any_version {
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
        entry.name = record
            .name
            .0
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
