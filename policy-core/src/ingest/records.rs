//! The records of `aws iam get-account-authorization-details` as serde
//! types that accept any JSON: a member of the wrong type reads as absent,
//! an item that is not an object as an empty one — what the model needs,
//! read in one pass straight from the text (while files are parsed, in
//! parallel) or from a parsed tree, with the same result either way.
//!
//! Reading the text directly skips building a JSON tree for the largest
//! file of a dump; its policy documents are kept as their own text, digested
//! on the way, and parsed only when they are new.
//!
//! Members rolecall does not read are skipped, not parsed: a value a JSON
//! tree cannot hold there (a number beyond `f64`, a lone UTF-16 surrogate,
//! nesting deeper than 128) no longer costs the whole file, as it would read
//! as a tree. Inside a policy document it still does: the document is
//! rejected, with the parser's message, when it is parsed.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::locate::ItemAnchors;

/// Consumes what is left of a map.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Consumes what is left of a sequence.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Implements the visitor methods that read JSON values of the kinds listed
/// (`booleans`, `integers`, `floats`, `null`, `text`, `maps`, `lists`) as
/// `$default`, maps and lists drained: with the methods a visitor writes
/// itself, no JSON value is an error.
macro_rules! read_as {
    ($default:expr; $($kind:ident),+) => {
        $(read_as!(@$kind $default);)+
    };
    (@booleans $default:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($default)
        }
    };
    (@integers $default:expr) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($default)
        }
    };
    (@floats $default:expr) => {
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($default)
        }
    };
    (@null $default:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($default)
        }
    };
    (@text $default:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($default)
        }
    };
    (@maps $default:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            drain_map(map).map(|()| $default)
        }
    };
    (@lists $default:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            drain_seq(seq).map(|()| $default)
        }
    };
}

/// A string member: `None` unless it is a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
                Text::deserialize(d)
            }
            read_as!(Text(None); booleans, integers, floats, null, maps, lists);
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A boolean or count member: `None` unless the JSON value is one (`true`
/// or `false`; a whole number of at least zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Scalar<T>(pub Option<T>);

/// A boolean member.
pub(super) type Flag = Scalar<bool>;
/// A count member.
pub(super) type Count = Scalar<u64>;

/// What a [`Scalar`] takes from the JSON scalars; anything else is `None`.
pub(super) trait ScalarKind: Sized {
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
}

impl ScalarKind for bool {
    fn from_bool(v: bool) -> Option<bool> {
        Some(v)
    }
}

impl ScalarKind for u64 {
    fn from_u64(v: u64) -> Option<u64> {
        Some(v)
    }
}

impl<'de, T: ScalarKind> Deserialize<'de> for Scalar<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor<T>(PhantomData<T>);
        impl<'de, T: ScalarKind> Visitor<'de> for ScalarVisitor<T> {
            type Value = Scalar<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<T>, E> {
                Ok(Scalar(T::from_bool(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<T>, E> {
                Ok(Scalar(T::from_u64(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<T>, E> {
                Ok(Scalar(u64::try_from(v).ok().and_then(T::from_u64)))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<T>, D::Error> {
                Scalar::deserialize(d)
            }
            read_as!(Scalar(None); floats, null, text, maps, lists);
        }
        deserializer.deserialize_any(ScalarVisitor(PhantomData))
    }
}

/// An array member: its items, each read leniently; empty unless it is an
/// array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<List<T>, D::Error> {
                List::deserialize(d)
            }
            read_as!(List::default(); booleans, integers, floats, null, text, maps);
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// An object member: its members read as `T`; anything else reads as an
/// empty object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Object<T>(pub T);

impl<'de, T: DeserializeOwned + Default> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned + Default> Visitor<'de> for ObjectVisitor<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Object)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Object<T>, D::Error> {
                Object::deserialize(d)
            }
            read_as!(Object::default(); booleans, integers, floats, null, text, lists);
        }
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// A member whose presence counts, whatever its value (`null` included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Present<T>(pub Option<T>);

impl<T> Default for Present<T> {
    fn default() -> Self {
        Present(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Present<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|v| Present(Some(v)))
    }
}

/// A policy document as written: its own text, and — for a document
/// written as an object — the digest that identifies it, taken as it is
/// read.
#[derive(Debug)]
pub(super) struct Document {
    pub text: Box<RawValue>,
    pub digest: Option<(u64, u64)>,
}

/// Two documents are equal when they are the same JSON written as objects
/// alike: read from a file's text or from its tree, a document keeps its
/// content, not its spacing.
impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        let tree = |d: &Document| serde_json::from_str::<serde_json::Value>(d.text.get()).ok();
        self.digest.is_some() == other.digest.is_some() && tree(self) == tree(other)
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Box::<RawValue>::deserialize(deserializer)?;
        let digest = text
            .get()
            .starts_with('{')
            .then(|| super::builder::digest_text(text.get()));
        Ok(Document { text, digest })
    }
}

/// `get-account-authorization-details`: one page of it.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct AuthorizationDetails {
    #[serde(rename = "Policies")]
    pub policies: List<Object<ManagedPolicyRecord>>,
    #[serde(rename = "RoleDetailList")]
    pub roles: Present<List<Object<RoleRecord>>>,
    #[serde(rename = "GroupDetailList")]
    pub groups: Present<List<Object<GroupRecord>>>,
    #[serde(rename = "UserDetailList")]
    pub users: Present<List<Object<UserRecord>>>,
}

impl AuthorizationDetails {
    /// Whether the object has a member that makes it an
    /// authorization-details output (as [`super::sniff`] decides).
    pub fn is_authorization_details(&self) -> bool {
        self.roles.0.is_some() || self.groups.0.is_some() || self.users.0.is_some()
    }
}

/// A role, as `RoleDetailList` and `get-role` print it.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct RoleRecord {
    #[serde(rename = "Arn")]
    pub arn: Text,
    #[serde(rename = "RoleName")]
    pub name: Text,
    #[serde(rename = "Path")]
    pub path: Text,
    #[serde(rename = "AssumeRolePolicyDocument")]
    pub trust: Present<Document>,
    #[serde(rename = "RolePolicyList")]
    pub inline: List<Object<InlinePolicyRecord>>,
    #[serde(rename = "AttachedManagedPolicies")]
    pub attached: List<Object<AttachedPolicyRecord>>,
    #[serde(rename = "PermissionsBoundary")]
    pub boundary: Object<BoundaryRecord>,
    #[serde(rename = "Tags")]
    pub tags: List<Object<TagRecord>>,
    #[serde(rename = "RoleLastUsed")]
    pub last_used: Object<LastUsedRecord>,
}

/// A user of `UserDetailList`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct UserRecord {
    #[serde(rename = "Arn")]
    pub arn: Text,
    #[serde(rename = "UserName")]
    pub name: Text,
    #[serde(rename = "UserPolicyList")]
    pub inline: List<Object<InlinePolicyRecord>>,
    #[serde(rename = "AttachedManagedPolicies")]
    pub attached: List<Object<AttachedPolicyRecord>>,
    #[serde(rename = "GroupList")]
    pub groups: List<Text>,
    #[serde(rename = "PermissionsBoundary")]
    pub boundary: Object<BoundaryRecord>,
}

/// A group of `GroupDetailList`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct GroupRecord {
    #[serde(rename = "Arn")]
    pub arn: Text,
    #[serde(rename = "GroupName")]
    pub name: Text,
    #[serde(rename = "GroupPolicyList")]
    pub inline: List<Object<InlinePolicyRecord>>,
    #[serde(rename = "AttachedManagedPolicies")]
    pub attached: List<Object<AttachedPolicyRecord>>,
}

/// A managed policy of `Policies`, with its versions.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct ManagedPolicyRecord {
    #[serde(rename = "Arn")]
    pub arn: Text,
    #[serde(rename = "PolicyName")]
    pub name: Text,
    #[serde(rename = "DefaultVersionId")]
    pub default_version: Text,
    #[serde(rename = "PolicyVersionList")]
    pub versions: List<Object<PolicyVersionRecord>>,
}

/// One version of a managed policy.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct PolicyVersionRecord {
    #[serde(rename = "VersionId")]
    pub id: Text,
    #[serde(rename = "IsDefaultVersion")]
    pub is_default: Flag,
    #[serde(rename = "Document")]
    pub document: Present<Document>,
}

/// An inline policy: `{PolicyName, PolicyDocument}`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct InlinePolicyRecord {
    #[serde(rename = "PolicyName")]
    pub name: Text,
    #[serde(rename = "PolicyDocument")]
    pub document: Present<Document>,
}

/// An attached managed policy: `{PolicyName, PolicyArn}`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct AttachedPolicyRecord {
    #[serde(rename = "PolicyArn")]
    pub arn: Text,
}

/// A permissions boundary.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct BoundaryRecord {
    #[serde(rename = "PermissionsBoundaryArn")]
    pub arn: Text,
}

/// A tag.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct TagRecord {
    #[serde(rename = "Key")]
    pub key: Text,
    #[serde(rename = "Value")]
    pub value: Text,
}

/// When a role was last used.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct LastUsedRecord {
    #[serde(rename = "LastUsedDate")]
    pub date: Text,
}

/// An array member: `Some` of its items (each read leniently) only if it
/// is an array — for the members whose being an array tells what a file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Array<T>(pub Option<Vec<T>>);

impl<T> Default for Array<T> {
    fn default() -> Self {
        Array(None)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Array<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArrayVisitor<T>(PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for ArrayVisitor<T> {
            type Value = Array<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Array<T>, A::Error> {
                List::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(|list| Array(Some(list.0)))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Array<T>, D::Error> {
                Array::deserialize(d)
            }
            read_as!(Array::default(); booleans, integers, floats, null, text, maps);
        }
        deserializer.deserialize_any(ArrayVisitor(PhantomData))
    }
}

/// The names of an object's members, sorted and each once (as a parsed
/// tree holds them); empty unless it is an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Keys(pub Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                keys.sort_unstable();
                keys.dedup();
                Ok(Keys(keys))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Keys, D::Error> {
                Keys::deserialize(d)
            }
            read_as!(Keys::default(); booleans, integers, floats, null, text, lists);
        }
        deserializer.deserialize_any(KeysVisitor)
    }
}

/// `lambda list-functions` (or `list-versions-by-function`): one page.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct FunctionList<L = Array<Object<FunctionRecord>>> {
    #[serde(rename = "Functions")]
    pub functions: L,
    #[serde(rename = "Versions")]
    pub versions: L,
    /// The members that can make the same object an authorization-details
    /// output instead, which [`super::sniff`] tells first.
    #[serde(rename = "RoleDetailList")]
    roles: Present<IgnoredAny>,
    #[serde(rename = "UserDetailList")]
    users: Present<IgnoredAny>,
    #[serde(rename = "GroupDetailList")]
    groups: Present<IgnoredAny>,
    #[serde(rename = "Policies")]
    policies: Present<IgnoredAny>,
}

impl FunctionList {
    /// Whether [`super::sniff`] would call the object a function list for
    /// certain: its `Functions` member is an array and nothing could make it
    /// an authorization-details output (then the tree decides).
    pub fn is_function_list(&self) -> bool {
        self.functions.0.is_some()
            && [&self.roles, &self.users, &self.groups, &self.policies]
                .iter()
                .all(|member| member.0.is_none())
    }
}

/// A function's configuration, as the function lists and `get-function`
/// print it.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct FunctionRecord {
    #[serde(rename = "FunctionArn")]
    pub arn: Text,
    #[serde(rename = "FunctionName")]
    pub name: Text,
    #[serde(rename = "Runtime")]
    pub runtime: Text,
    #[serde(rename = "PackageType")]
    pub package_type: Text,
    #[serde(rename = "Role")]
    pub role: Text,
    #[serde(rename = "Handler")]
    pub handler: Text,
    #[serde(rename = "Version")]
    pub version: Text,
    #[serde(rename = "TracingConfig")]
    pub tracing: Object<TracingRecord>,
    #[serde(rename = "DeadLetterConfig")]
    pub dead_letter: Object<DeadLetterRecord>,
    #[serde(rename = "KMSKeyArn")]
    pub kms_key: Text,
    #[serde(rename = "LoggingConfig")]
    pub logging: Object<LoggingRecord>,
    #[serde(rename = "Architectures")]
    pub architectures: List<Text>,
    #[serde(rename = "VpcConfig")]
    pub vpc: Present<Object<VpcRecord>>,
    #[serde(rename = "FileSystemConfigs")]
    pub file_systems: List<Object<FileSystemRecord>>,
    #[serde(rename = "Layers")]
    pub layers: List<Object<LayerRecord>>,
    #[serde(rename = "Environment")]
    pub environment: Object<EnvironmentRecord>,
}

/// `TracingConfig`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct TracingRecord {
    #[serde(rename = "Mode")]
    pub mode: Text,
}

/// `DeadLetterConfig`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct DeadLetterRecord {
    #[serde(rename = "TargetArn")]
    pub target: Text,
}

/// `LoggingConfig`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct LoggingRecord {
    #[serde(rename = "LogGroup")]
    pub group: Text,
    #[serde(rename = "LogFormat")]
    pub format: Text,
}

/// `VpcConfig`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct VpcRecord {
    #[serde(rename = "VpcId")]
    pub vpc_id: Text,
    #[serde(rename = "SubnetIds")]
    pub subnet_ids: List<Text>,
    #[serde(rename = "SecurityGroupIds")]
    pub security_group_ids: List<Text>,
}

/// An item of `FileSystemConfigs`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct FileSystemRecord {
    #[serde(rename = "Arn")]
    pub arn: Text,
    #[serde(rename = "LocalMountPath")]
    pub local_mount_path: Text,
}

/// An item of `Layers`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct LayerRecord {
    #[serde(rename = "Arn")]
    pub arn: Text,
}

/// `Environment`: only the names of its variables are kept.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct EnvironmentRecord {
    #[serde(rename = "Variables")]
    pub variables: Keys,
}

/// `lambda list-event-source-mappings`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct MappingList<L = Array<Object<MappingRecord>>> {
    #[serde(rename = "EventSourceMappings")]
    pub mappings: L,
    /// The members that make [`super::sniff`] call the same object another
    /// kind of output, which it tells first.
    #[serde(rename = "RoleDetailList")]
    roles: Present<IgnoredAny>,
    #[serde(rename = "UserDetailList")]
    users: Present<IgnoredAny>,
    #[serde(rename = "GroupDetailList")]
    groups: Present<IgnoredAny>,
    #[serde(rename = "Policies")]
    policies: Present<IgnoredAny>,
    #[serde(rename = "Functions")]
    functions: Present<IgnoredAny>,
    #[serde(rename = "Versions")]
    versions: Present<IgnoredAny>,
}

impl MappingList {
    /// Whether [`super::sniff`] would call the object a list of event source
    /// mappings for certain: its `EventSourceMappings` member is an array
    /// and nothing could make it an output of another kind (then the tree
    /// decides).
    pub fn is_mapping_list(&self) -> bool {
        self.mappings.0.is_some()
            && [
                &self.roles,
                &self.users,
                &self.groups,
                &self.policies,
                &self.functions,
                &self.versions,
            ]
            .iter()
            .all(|member| member.0.is_none())
    }
}

/// An event source mapping, as `list-event-source-mappings` and
/// `get-event-source-mapping` print it.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct MappingRecord {
    #[serde(rename = "UUID")]
    pub uuid: Text,
    #[serde(rename = "EventSourceMappingArn")]
    pub arn: Text,
    #[serde(rename = "EventSourceArn")]
    pub event_source_arn: Text,
    #[serde(rename = "FunctionArn")]
    pub function_arn: Text,
    #[serde(rename = "State")]
    pub state: Text,
    #[serde(rename = "BatchSize")]
    pub batch_size: Count,
    #[serde(rename = "StartingPosition")]
    pub starting_position: Text,
    #[serde(rename = "DestinationConfig")]
    pub destination: Object<DestinationRecord>,
    #[serde(rename = "Topics")]
    pub topics: List<Text>,
    #[serde(rename = "SourceAccessConfigurations")]
    pub source_access: List<Object<SourceAccessRecord>>,
}

/// `DestinationConfig`: only where failed batches go.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct DestinationRecord {
    #[serde(rename = "OnFailure")]
    pub on_failure: Object<OnFailureRecord>,
}

/// `DestinationConfig.OnFailure`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct OnFailureRecord {
    #[serde(rename = "Destination")]
    pub destination: Text,
}

/// An item of `SourceAccessConfigurations`.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct SourceAccessRecord {
    #[serde(rename = "Type")]
    pub kind: Text,
    #[serde(rename = "URI")]
    pub uri: Text,
}

/// The texts of a list of lenient strings, without the ones that are not.
pub(super) fn texts(list: List<Text>) -> Vec<String> {
    list.0.into_iter().filter_map(|t| t.0).collect()
}

// Large outputs, read in parallel. The AWS CLI merges the pages of
// `get-account-authorization-details`, `list-functions` and
// `list-event-source-mappings` into one
// document: tens of megabytes in one file, which one thread would read
// while the others wait. Such a text is read in two steps: one pass that
// finds where each item of the top-level lists begins and ends (and checks
// the rest of the text), then the items, each read from its own text, in
// parallel. An item read from its own text is read exactly as in place, so
// the records are the same either way (a test compares them).

/// A list member as its items' own text: `Some` only if it is an array.
#[derive(Default)]
struct RawItems<'a>(Option<Vec<&'a RawValue>>);

impl<'de: 'a, 'a> Deserialize<'de> for RawItems<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawItemsVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for RawItemsVisitor<'a> {
            type Value = RawItems<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawItems<'a>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<&'a RawValue>()? {
                    items.push(item);
                }
                Ok(RawItems(Some(items)))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawItems<'a>, D::Error> {
                RawItems::deserialize(d)
            }
            read_as!(RawItems(None); booleans, integers, floats, null, text, maps);
        }
        deserializer.deserialize_any(RawItemsVisitor(PhantomData))
    }
}

impl RawItems<'_> {
    /// The items, read as `T` in parallel: what [`Array<T>`] reads in place.
    ///
    /// The items go straight into one vector of the list's length. Collecting
    /// `Result`s would gather each worker's items in a vector of its own and
    /// copy them at the end: on a large dump, megabytes of short-lived
    /// buffers that the allocator holds on to while the model grows.
    fn array<T: DeserializeOwned + Default + Send>(&self) -> serde_json::Result<Array<T>> {
        use rayon::prelude::*;
        let Some(items) = self.0.as_ref() else {
            return Ok(Array(None));
        };
        let failure = std::sync::Mutex::new(None);
        let mut read = Vec::with_capacity(items.len());
        items
            .par_iter()
            .map(|item| {
                serde_json::from_str::<T>(item.get()).unwrap_or_else(|e| {
                    failure
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .get_or_insert(e);
                    T::default()
                })
            })
            .collect_into_vec(&mut read);
        match failure
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Some(e) => Err(e),
            None => Ok(Array(Some(read))),
        }
    }

    /// What [`List<T>`] reads in place.
    fn list<T: DeserializeOwned + Default + Send>(&self) -> serde_json::Result<List<T>> {
        self.array().map(|array| List(array.0.unwrap_or_default()))
    }

    /// Where the items are in `text` (which they borrow from), for
    /// locating findings item by item.
    fn ranges(&self, text: &str) -> Option<Vec<std::ops::Range<usize>>> {
        let base = text.as_ptr() as usize;
        let items = self.0.as_ref()?;
        Some(
            items
                .iter()
                .map(|item| {
                    let start = (item.get().as_ptr() as usize).saturating_sub(base);
                    start..start + item.get().len()
                })
                .collect(),
        )
    }
}

/// [`AuthorizationDetails`] with its lists as their items' text.
#[derive(Default, Deserialize)]
#[serde(default)]
struct AuthorizationDetailsItems<'a> {
    #[serde(rename = "Policies", borrow)]
    policies: RawItems<'a>,
    #[serde(rename = "RoleDetailList", borrow)]
    roles: Present<RawItems<'a>>,
    #[serde(rename = "GroupDetailList", borrow)]
    groups: Present<RawItems<'a>>,
    #[serde(rename = "UserDetailList", borrow)]
    users: Present<RawItems<'a>>,
}

/// Whether a text is a JSON object: read as a record, an array would give
/// its items as the record's members, one by one.
fn is_object_text(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Reads an authorization-details output's text with its items in
/// parallel, and where each item starts; `Err` where reading it in one pass
/// fails.
pub(super) fn authorization_details_in_parallel(
    text: &str,
) -> serde_json::Result<(AuthorizationDetails, ItemAnchors)> {
    if !is_object_text(text) {
        return Ok(Default::default());
    }
    fn present<T: DeserializeOwned + Default + Send>(
        items: &Present<RawItems<'_>>,
    ) -> serde_json::Result<Present<List<T>>> {
        items
            .0
            .as_ref()
            .map(RawItems::list)
            .transpose()
            .map(Present)
    }
    let items: AuthorizationDetailsItems<'_> = serde_json::from_str(text)?;
    let lists = [
        ("Policies", Some(&items.policies)),
        ("RoleDetailList", items.roles.0.as_ref()),
        ("GroupDetailList", items.groups.0.as_ref()),
        ("UserDetailList", items.users.0.as_ref()),
    ]
    .into_iter()
    .filter_map(|(name, list)| Some((name, list?.ranges(text)?)))
    .collect();
    let anchors = ItemAnchors::new(text, lists);
    let details = AuthorizationDetails {
        policies: items.policies.list()?,
        roles: present(&items.roles)?,
        groups: present(&items.groups)?,
        users: present(&items.users)?,
    };
    Ok((details, anchors))
}

/// Reads a function list's text with its items in parallel, and where each
/// item starts; `Err` where reading it in one pass fails.
pub(super) fn function_list_in_parallel(
    text: &str,
) -> serde_json::Result<(FunctionList, ItemAnchors)> {
    if !is_object_text(text) {
        return Ok(Default::default());
    }
    // The function list with its lists as their items' text.
    let items: FunctionList<RawItems<'_>> = serde_json::from_str(text)?;
    let lists = [
        ("Functions", &items.functions),
        ("Versions", &items.versions),
    ]
    .into_iter()
    .filter_map(|(name, list)| Some((name, list.ranges(text)?)))
    .collect();
    let anchors = ItemAnchors::new(text, lists);
    let list = FunctionList {
        functions: items.functions.array()?,
        versions: items.versions.array()?,
        roles: items.roles,
        users: items.users,
        groups: items.groups,
        policies: items.policies,
    };
    Ok((list, anchors))
}

/// Reads a list of event source mappings' text with its items in parallel,
/// and where each item starts; `Err` where reading it in one pass fails.
pub(super) fn mapping_list_in_parallel(
    text: &str,
) -> serde_json::Result<(MappingList, ItemAnchors)> {
    if !is_object_text(text) {
        return Ok(Default::default());
    }
    // The list with its mappings as their items' text.
    let items: MappingList<RawItems<'_>> = serde_json::from_str(text)?;
    let lists = items
        .mappings
        .ranges(text)
        .map(|ranges| ("EventSourceMappings", ranges))
        .into_iter()
        .collect();
    let anchors = ItemAnchors::new(text, lists);
    let list = MappingList {
        mappings: items.mappings.array()?,
        roles: items.roles,
        users: items.users,
        groups: items.groups,
        policies: items.policies,
        functions: items.functions,
        versions: items.versions,
    };
    Ok((list, anchors))
}
