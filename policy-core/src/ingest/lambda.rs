//! Lambda outputs: functions, event source mappings, function policies,
//! URL configs and aliases.

use serde_json::Value;

use super::builder::{text, texts, Builder, Pending};
use crate::eval::PolicyKind;
use crate::model::{
    Alias, EventSourceMapping, FileSystem, FunctionUrlConfig, PolicyOrigin, SourceRef, VpcConfig,
};
use crate::policy::decode_document;

impl Builder<'_> {
    pub(super) fn add_function(&mut self, file: usize, pointer: &str, item: &Value) {
        let Some(arn) = text(item, "FunctionArn") else {
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
        set(&mut function.runtime, text(item, "Runtime"));
        set(&mut function.package_type, text(item, "PackageType"));
        set(&mut function.role, text(item, "Role"));
        set(&mut function.handler, text(item, "Handler"));
        set(&mut function.version, text(item, "Version"));
        set(
            &mut function.tracing_mode,
            item.get("TracingConfig").and_then(|t| text(t, "Mode")),
        );
        set(
            &mut function.dead_letter_target,
            item.get("DeadLetterConfig")
                .and_then(|d| text(d, "TargetArn")),
        );
        set(&mut function.kms_key, text(item, "KMSKeyArn"));
        set(
            &mut function.log_group,
            item.get("LoggingConfig").and_then(|l| text(l, "LogGroup")),
        );
        set(
            &mut function.log_format,
            item.get("LoggingConfig").and_then(|l| text(l, "LogFormat")),
        );
        if let Some(name) = text(item, "FunctionName") {
            function.name = name;
        }
        if function.architectures.is_empty() {
            function.architectures = texts(item, "Architectures");
        }
        if let Some(vpc) = item.get("VpcConfig") {
            let config = VpcConfig {
                vpc_id: text(vpc, "VpcId").filter(|v| !v.is_empty()),
                subnet_ids: texts(vpc, "SubnetIds"),
                security_group_ids: texts(vpc, "SecurityGroupIds"),
            };
            if function.vpc.is_none() || config.is_attached() {
                function.vpc = Some(config);
            }
        }
        if function.file_systems.is_empty() {
            function.file_systems = item
                .get("FileSystemConfigs")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|fs| {
                            Some(FileSystem {
                                arn: text(fs, "Arn")?,
                                local_mount_path: text(fs, "LocalMountPath"),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        if function.layers.is_empty() {
            function.layers = item
                .get("Layers")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(|l| text(l, "Arn")).collect())
                .unwrap_or_default();
        }
        if function.environment_variables.is_empty() {
            function.environment_variables = item
                .pointer("/Environment/Variables")
                .and_then(Value::as_object)
                .map(|vars| vars.keys().cloned().collect())
                .unwrap_or_default();
        }
        if first || function.source.is_none() {
            function.source = Some(SourceRef {
                file,
                pointer: pointer.to_owned(),
            });
        }
    }

    pub(super) fn add_event_source_mapping(&mut self, file: usize, pointer: &str, item: &Value) {
        let (Some(uuid), Some(function_arn)) = (text(item, "UUID"), text(item, "FunctionArn"))
        else {
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
            arn: text(item, "EventSourceMappingArn"),
            event_source_arn: text(item, "EventSourceArn"),
            function_arn,
            state: text(item, "State"),
            batch_size: item.get("BatchSize").and_then(Value::as_u64),
            starting_position: text(item, "StartingPosition"),
            on_failure_destination: item
                .pointer("/DestinationConfig/OnFailure/Destination")
                .and_then(Value::as_str)
                .map(str::to_owned),
            topics: texts(item, "Topics"),
            source_access: item
                .get("SourceAccessConfigurations")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|c| {
                            Some((text(c, "Type")?, text(c, "URI").unwrap_or_default()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
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
        // Decoded once: the target is read from it, then it is recorded.
        let decoded = decode_document(raw);
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
