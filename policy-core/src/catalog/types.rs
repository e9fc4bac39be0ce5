//! The catalog's small vocabularies: access levels and condition key types.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an action can do, as the Service Authorization Reference classifies
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccessLevel {
    /// Lists resources (`lambda:ListFunctions`).
    List,
    /// Reads resources or their configuration (`lambda:GetFunction`).
    Read,
    /// Creates, changes or deletes resources, or acts on them
    /// (`lambda:InvokeFunction`).
    Write,
    /// Changes who may do what (`lambda:AddPermission`, `iam:PutRolePolicy`).
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    /// Changes tags (`lambda:TagResource`).
    Tagging,
}

impl AccessLevel {
    /// The name the Service Authorization Reference uses: `List`, `Read`,
    /// `Write`, `Permissions management` or `Tagging`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The data type of a condition key, which says which condition operators
/// fit it. `ArrayOf…` types are multivalued keys (they need `ForAnyValue:` or
/// `ForAllValues:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConditionKeyType {
    /// Text: `String…` operators.
    String,
    /// An ARN: `Arn…` operators (and `String…` ones).
    #[serde(rename = "ARN")]
    Arn,
    /// A number: `Numeric…` operators.
    Numeric,
    /// A date and time: `Date…` operators.
    Date,
    /// `true` or `false`: the `Bool` operator.
    Bool,
    /// An IPv4 or IPv6 address: `IpAddress` and `NotIpAddress`.
    #[serde(rename = "IPAddress")]
    IpAddress,
    /// Base64 bytes: the `BinaryEquals` operator.
    Binary,
    /// A time in seconds since the epoch that works with both `Date…` and
    /// `Numeric…` operators (`aws:EpochTime`).
    DateOrNumeric,
    /// Several texts.
    ArrayOfString,
    /// Several ARNs.
    #[serde(rename = "ArrayOfARN")]
    ArrayOfArn,
    /// Several numbers.
    ArrayOfNumeric,
    /// Several dates.
    ArrayOfDate,
    /// Several booleans.
    ArrayOfBool,
    /// Several IP addresses.
    #[serde(rename = "ArrayOfIPAddress")]
    ArrayOfIpAddress,
    /// Several binary values.
    ArrayOfBinary,
}

impl ConditionKeyType {
    /// The name the Service Authorization Reference uses (`String`, `ARN`,
    /// `IPAddress`, `ArrayOfString`, …; `DateOrNumeric` for `aws:EpochTime`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKeyType::String => "String",
            ConditionKeyType::Arn => "ARN",
            ConditionKeyType::Numeric => "Numeric",
            ConditionKeyType::Date => "Date",
            ConditionKeyType::Bool => "Bool",
            ConditionKeyType::IpAddress => "IPAddress",
            ConditionKeyType::Binary => "Binary",
            ConditionKeyType::DateOrNumeric => "DateOrNumeric",
            ConditionKeyType::ArrayOfString => "ArrayOfString",
            ConditionKeyType::ArrayOfArn => "ArrayOfARN",
            ConditionKeyType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionKeyType::ArrayOfDate => "ArrayOfDate",
            ConditionKeyType::ArrayOfBool => "ArrayOfBool",
            ConditionKeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            ConditionKeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Whether a request may carry several values for the key (an
    /// `ArrayOf…` type).
    pub fn is_multivalued(self) -> bool {
        self != self.element()
    }

    /// The type of one value: `ArrayOfString` → `String`; single-valued
    /// types are their own element type.
    pub fn element(self) -> ConditionKeyType {
        match self {
            ConditionKeyType::ArrayOfString => ConditionKeyType::String,
            ConditionKeyType::ArrayOfArn => ConditionKeyType::Arn,
            ConditionKeyType::ArrayOfNumeric => ConditionKeyType::Numeric,
            ConditionKeyType::ArrayOfDate => ConditionKeyType::Date,
            ConditionKeyType::ArrayOfBool => ConditionKeyType::Bool,
            ConditionKeyType::ArrayOfIpAddress => ConditionKeyType::IpAddress,
            ConditionKeyType::ArrayOfBinary => ConditionKeyType::Binary,
            single => single,
        }
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
