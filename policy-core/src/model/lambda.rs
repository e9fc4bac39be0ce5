//! Lambda functions and what hangs off them.

use super::{PolicyId, SmallMap, SourceRef};

/// A Lambda function.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Function {
    /// The unqualified ARN.
    pub arn: String,
    /// The name.
    pub name: String,
    /// The region (from the ARN).
    pub region: String,
    /// The owning account (from the ARN).
    pub account: String,
    /// Whether the dump had the function's configuration (`false` when the
    /// function is only known from a policy, mapping or URL config naming it).
    pub has_configuration: bool,
    /// The runtime (`python3.12`), absent for container images.
    pub runtime: Option<String>,
    /// `Zip` or `Image`.
    pub package_type: Option<String>,
    /// The execution role's ARN.
    pub role: Option<String>,
    /// The handler.
    pub handler: Option<String>,
    /// `$LATEST` or a version number, as listed.
    pub version: Option<String>,
    /// `x86_64`, `arm64`.
    pub architectures: Vec<String>,
    /// VPC attachment.
    pub vpc: Option<VpcConfig>,
    /// `Active` or `PassThrough`.
    pub tracing_mode: Option<String>,
    /// Dead-letter queue or topic ARN.
    pub dead_letter_target: Option<String>,
    /// The KMS key encrypting environment variables.
    pub kms_key: Option<String>,
    /// The log group the function writes to (`LoggingConfig.LogGroup`);
    /// Lambda's default is `/aws/lambda/NAME`.
    pub log_group: Option<String>,
    /// `Text` or `JSON`.
    pub log_format: Option<String>,
    /// Mounted EFS access points.
    pub file_systems: Vec<FileSystem>,
    /// Layer version ARNs.
    pub layers: Vec<String>,
    /// Names of the environment variables (values are never kept: they may
    /// hold secrets).
    pub environment_variables: Vec<String>,
    /// Aliases by name.
    pub aliases: SmallMap<String, Alias>,
    /// Resource-based policies by qualifier (`None`: the unqualified function).
    #[serde(with = "by_qualifier")]
    pub resource_policies: SmallMap<Option<String>, ResourcePolicy>,
    /// Function URLs by qualifier.
    #[serde(with = "by_qualifier")]
    pub urls: SmallMap<Option<String>, FunctionUrlConfig>,
    /// UUIDs of the event source mappings that invoke it.
    pub event_source_mappings: Vec<String>,
    /// Where the configuration was read.
    pub source: Option<SourceRef>,
}

impl Function {
    /// The log group the function writes to.
    pub fn effective_log_group(&self) -> String {
        self.log_group
            .clone()
            .unwrap_or_else(|| format!("/aws/lambda/{}", self.name))
    }
}

/// A function's VPC attachment.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VpcConfig {
    /// The VPC.
    pub vpc_id: Option<String>,
    /// Subnets.
    pub subnet_ids: Vec<String>,
    /// Security groups.
    pub security_group_ids: Vec<String>,
}

impl VpcConfig {
    /// Whether the function is really attached (the CLI prints empty lists
    /// for functions outside a VPC).
    pub fn is_attached(&self) -> bool {
        !self.subnet_ids.is_empty()
    }
}

/// An EFS access point mounted by a function.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileSystem {
    /// The access point ARN.
    pub arn: String,
    /// Where it is mounted.
    pub local_mount_path: Option<String>,
}

/// An alias of a function.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Alias {
    /// The alias ARN.
    pub arn: String,
    /// The alias name.
    pub name: String,
    /// The version it points to.
    pub function_version: Option<String>,
}

/// A function's (or version's, or alias's) resource-based policy.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResourcePolicy {
    /// The ARN the policy is attached to (function, version or alias).
    pub target: String,
    /// The qualifier, if any.
    pub qualifier: Option<String>,
    /// The policy.
    pub policy: PolicyId,
    /// The policy's revision.
    pub revision_id: Option<String>,
}

/// A function URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FunctionUrlConfig {
    /// The function (or alias) ARN.
    pub target: String,
    /// The qualifier, if any.
    pub qualifier: Option<String>,
    /// The URL.
    pub url: Option<String>,
    /// `NONE` (public) or `AWS_IAM`.
    pub auth_type: String,
    /// `BUFFERED` or `RESPONSE_STREAM`.
    pub invoke_mode: Option<String>,
    /// Where it was read.
    pub source: Option<SourceRef>,
}

/// An event source mapping: Lambda polls the source with the function's
/// execution role.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventSourceMapping {
    /// The mapping's UUID.
    pub uuid: String,
    /// The mapping's ARN, when printed.
    pub arn: Option<String>,
    /// The source (queue, stream, table stream, Kafka cluster) ARN.
    pub event_source_arn: Option<String>,
    /// The function ARN as written (may be qualified).
    pub function_arn: String,
    /// `Enabled`, `Disabled`, `Creating`, …
    pub state: Option<String>,
    /// The batch size.
    pub batch_size: Option<u64>,
    /// `LATEST`, `TRIM_HORIZON`, `AT_TIMESTAMP` (streams).
    pub starting_position: Option<String>,
    /// Where failed batches go (`DestinationConfig.OnFailure.Destination`).
    pub on_failure_destination: Option<String>,
    /// Kafka topics.
    pub topics: Vec<String>,
    /// Self-managed sources' endpoints and access configurations (kinds and URIs).
    pub source_access: Vec<(String, String)>,
    /// Where it was read.
    pub source: Option<SourceRef>,
}

/// Something attached to a function or one of its qualifiers.
pub trait Qualified {
    /// The qualifier (`None`: the unqualified function).
    fn qualifier(&self) -> Option<String>;
}

impl Qualified for ResourcePolicy {
    fn qualifier(&self) -> Option<String> {
        self.qualifier.clone()
    }
}

impl Qualified for FunctionUrlConfig {
    fn qualifier(&self) -> Option<String> {
        self.qualifier.clone()
    }
}

/// Maps keyed by qualifier cross JSON as lists (JSON keys cannot be `null`);
/// each value carries its own qualifier.
mod by_qualifier {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Qualified, SmallMap};

    pub fn serialize<S: Serializer, V: Serialize>(
        map: &SmallMap<Option<String>, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.values())
    }

    pub fn deserialize<'de, D: Deserializer<'de>, V: Deserialize<'de> + Qualified>(
        d: D,
    ) -> Result<SmallMap<Option<String>, V>, D::Error> {
        let list = Vec::<V>::deserialize(d)?;
        Ok(list.into_iter().map(|v| (v.qualifier(), v)).collect())
    }
}

/// The unqualified ARN of a function, version or alias ARN
/// (`…:function:NAME:QUALIFIER` → `…:function:NAME`).
pub fn unqualified_function_arn(arn: &str) -> &str {
    match split_qualifier(arn) {
        Some((base, _)) => base,
        None => arn,
    }
}

/// Splits `…:function:NAME:QUALIFIER` into the unqualified ARN and the
/// qualifier; `None` for an unqualified ARN or anything else.
pub fn split_qualifier(arn: &str) -> Option<(&str, &str)> {
    let index = arn.find(":function:")?;
    let after = &arn[index + ":function:".len()..];
    let colon = after.find(':')?;
    let cut = index + ":function:".len() + colon;
    Some((&arn[..cut], &arn[cut + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers() {
        let f = "arn:aws:lambda:us-east-1:1:function:orders";
        assert_eq!(unqualified_function_arn(f), f);
        assert_eq!(unqualified_function_arn(&format!("{f}:prod")), f);
        assert_eq!(
            split_qualifier(&format!("{f}:$LATEST")),
            Some((f, "$LATEST"))
        );
        assert_eq!(split_qualifier(f), None);
    }
}
