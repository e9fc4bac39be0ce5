//! Lambda outputs: functions, event source mappings, function policies,
//! URL configs and aliases.

use serde_json::Value;

use super::builder::{text, Builder, Pending};
use super::records::{texts, FunctionList, FunctionRecord, MappingList, MappingRecord};
use crate::eval::PolicyKind;
use crate::model::{
    Alias, EventSourceMapping, FileSystem, FunctionUrlConfig, PolicyOrigin, SourceRef, VpcConfig,
};
use crate::policy::decode_document;

impl Builder<'_> {
    /// The functions of a `list-functions` (or `list-versions-by-function`)
    /// page.
    pub(super) fn add_function_list(&mut self, file: usize, list: FunctionList) {
        for (key, items) in [("Functions", list.functions), ("Versions", list.versions)] {
            for (i, item) in items.0.unwrap_or_default().into_iter().enumerate() {
                self.add_function(file, &format!("/{key}/{i}"), item.0);
            }
        }
    }

    pub(super) fn add_function(&mut self, file: usize, pointer: &str, record: FunctionRecord) {
        let Some(arn) = record.arn.0 else {
            self.problem(
                file,
                pointer,
                "a function without `FunctionArn`",
                Some("the AWS CLI always prints it; was the file edited?"),
            );
            return;
        };
        if crate::arn::split(&arn).is_none() {
            self.problem(
                file,
                &format!("{pointer}/FunctionArn"),
                format!("`{arn}` is not a function ARN"),
                None,
            );
            return;
        }
        let function = self.function_entry(&arn);
        // A duplicate (paginated or repeated dumps) fills what is still
        // missing and changes nothing else.
        let first = !function.has_configuration;
        function.has_configuration = true;
        let set = |slot: &mut Option<String>, value: Option<String>| {
            if (slot.is_none() || first) && value.is_some() {
                *slot = value;
            }
        };
        set(&mut function.runtime, record.runtime.0);
        set(&mut function.package_type, record.package_type.0);
        set(&mut function.role, record.role.0);
        set(&mut function.handler, record.handler.0);
        set(&mut function.version, record.version.0);
        set(&mut function.tracing_mode, record.tracing.0.mode.0);
        set(
            &mut function.dead_letter_target,
            record.dead_letter.0.target.0,
        );
        set(&mut function.kms_key, record.kms_key.0);
        set(&mut function.log_group, record.logging.0.group.0);
        set(&mut function.log_format, record.logging.0.format.0);
        if let Some(name) = record.name.0 {
            function.name = name;
        }
        if function.architectures.is_empty() {
            function.architectures = texts(record.architectures);
        }
        if let Some(vpc) = record.vpc.0 {
            let config = VpcConfig {
                vpc_id: vpc.0.vpc_id.0.filter(|v| !v.is_empty()),
                subnet_ids: texts(vpc.0.subnet_ids),
                security_group_ids: texts(vpc.0.security_group_ids),
            };
            if function.vpc.is_none() || config.is_attached() {
                function.vpc = Some(config);
            }
        }
        if function.file_systems.is_empty() {
            function.file_systems = record
                .file_systems
                .0
                .into_iter()
                .filter_map(|fs| {
                    Some(FileSystem {
                        arn: fs.0.arn.0?,
                        local_mount_path: fs.0.local_mount_path.0,
                    })
                })
                .collect();
        }
        if function.layers.is_empty() {
            function.layers = record
                .layers
                .0
                .into_iter()
                .filter_map(|l| l.0.arn.0)
                .collect();
        }
        if function.environment_variables.is_empty() {
            function.environment_variables = record.environment.0.variables.0;
        }
        if first || function.source.is_none() {
            function.source = Some(SourceRef {
                file,
                pointer: pointer.to_owned(),
            });
        }
    }

    /// The mappings of a `list-event-source-mappings` page.
    pub(super) fn add_mapping_list(&mut self, file: usize, list: MappingList) {
        for (i, item) in list.mappings.0.unwrap_or_default().into_iter().enumerate() {
            self.add_event_source_mapping(file, &format!("/EventSourceMappings/{i}"), item.0);
        }
    }

    pub(super) fn add_event_source_mapping(
        &mut self,
        file: usize,
        pointer: &str,
        record: MappingRecord,
    ) {
        let (Some(uuid), Some(function_arn)) = (record.uuid.0, record.function_arn.0) else {
            self.problem(
                file,
                pointer,
                "an event source mapping without `UUID` or `FunctionArn`",
                None,
            );
            return;
        };
        let mapping = EventSourceMapping {
            uuid: uuid.clone(),
            arn: record.arn.0,
            event_source_arn: record.event_source_arn.0,
            function_arn,
            state: record.state.0,
            batch_size: record.batch_size.0,
            starting_position: record.starting_position.0,
            on_failure_destination: record.destination.0.on_failure.0.destination.0,
            topics: texts(record.topics),
            source_access: record
                .source_access
                .0
                .into_iter()
                .filter_map(|c| Some((c.0.kind.0?, c.0.uri.0.unwrap_or_default())))
                .collect(),
            source: Some(SourceRef {
                file,
                pointer: pointer.to_owned(),
            }),
        };
        self.account
            .event_source_mappings
            .entry(uuid)
            .or_insert(mapping);
    }

    /// `lambda get-policy`: the policy is a JSON string; the function it is
    /// attached to is read from its statements' `Resource`.
    pub(super) fn add_function_policy(&mut self, file: usize, value: &Value) {
        let Some(raw) = value.get("Policy") else {
            return;
        };
        // Decoded once (while the file was parsed, in parallel, when it
        // was): the target is read from it, then it is recorded.
        let decoded = match self.decoded_policy.take() {
            Some(decoded) => {
                decoded.map(|(document, encoding)| (std::borrow::Cow::Owned(document), encoding))
            }
            None => decode_document(raw),
        };
        let target = match &decoded {
            Ok((document, _)) => policy_target(document),
            Err(_) => None,
        };
        let Some(target) = target else {
            // Still read it, so its problems are reported.
            let id = self.add_policy(
                Some(file),
                "/Policy",
                raw,
                PolicyKind::Resource,
                PolicyOrigin::Standalone,
            );
            self.account.standalone_policies.push(id);
            if decoded.is_ok() {
                self.problem(
                    file,
                    "/Policy",
                    "cannot tell which function this policy belongs to: its statements name no function ARN in `Resource`",
                    Some("dump each function's policy with `aws lambda get-policy --function-name NAME`, which writes the function ARN into every statement"),
                );
            }
            return;
        };
        let id = self.add_decoded_policy(
            Some(file),
            "/Policy",
            decoded,
            PolicyKind::Resource,
            PolicyOrigin::FunctionPolicy {
                target: target.clone(),
            },
        );
        self.pending.push(Pending::FunctionPolicy {
            target,
            policy: id,
            revision: text(value, "RevisionId"),
        });
    }

    pub(super) fn add_url_config(&mut self, file: usize, pointer: &str, item: &Value) {
        let (Some(target), Some(auth_type)) = (text(item, "FunctionArn"), text(item, "AuthType"))
        else {
            self.problem(
                file,
                pointer,
                "a function URL config without `FunctionArn` or `AuthType`",
                None,
            );
            return;
        };
        let qualifier = crate::model::split_qualifier(&target).map(|(_, q)| q.to_owned());
        let config = FunctionUrlConfig {
            target: target.clone(),
            qualifier: qualifier.clone(),
            url: text(item, "FunctionUrl"),
            auth_type,
            invoke_mode: text(item, "InvokeMode"),
            source: Some(SourceRef {
                file,
                pointer: pointer.to_owned(),
            }),
        };
        self.function_entry(&target)
            .urls
            .get_or_insert(qualifier, config);
    }

    pub(super) fn add_alias(&mut self, file: usize, pointer: &str, item: &Value) {
        let (Some(arn), Some(name)) = (text(item, "AliasArn"), text(item, "Name")) else {
            self.problem(file, pointer, "an alias without `AliasArn` or `Name`", None);
            return;
        };
        let alias = Alias {
            arn: arn.clone(),
            name: name.clone(),
            function_version: text(item, "FunctionVersion"),
        };
        self.function_entry(&arn).aliases.get_or_insert(name, alias);
    }
}

/// The function, version or alias ARN a Lambda resource policy is about:
/// the `Resource` its statements share.
fn policy_target(document: &Value) -> Option<String> {
    let statements: Vec<&Value> = match document.get("Statement")? {
        Value::Array(list) => list.iter().collect(),
        single @ Value::Object(_) => vec![single],
        _ => return None,
    };
    statements
        .iter()
        .filter_map(|s| match s.get("Resource")? {
            Value::String(r) => Some(r.as_str()),
            Value::Array(list) => list.first().and_then(Value::as_str),
            _ => None,
        })
        .find(|r| r.contains(":function:"))
        .map(str::to_owned)
}
