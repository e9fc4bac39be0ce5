//! Whether a policy's resource pattern can name a resource of a type: some
//! ARN of the type (`arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}`)
//! that the pattern (`arn:aws:ec2:*:*:volume/*`) matches.
//!
//! The policy side is read as IAM reads it: `*` any run of characters,
//! colons included (a `*` that ends an ARN segment expands across colons),
//! `?` one character. The type side is read as real ARNs are made: a
//! placeholder stands for text that never holds a `:` when it fills one
//! of the first five segments (partition, service, region, account), when
//! more of the ARN follows it, when it names an identifier (`…Id`,
//! `…ID`, `…Uuid`; a Bedrock model's has its version after a `:`) or a
//! name AWS's naming rules keep free of `:` ([`NO_COLON_NAMES`]: a state
//! machine, whose `:PROD` suffix names an alias, a log stream, an SSM
//! parameter, a queue, a topic, a table, a repository …); never a `/` when
//! it is a name those rules keep to one path element (an S3 bucket, a
//! DynamoDB table or index, an SQS queue, an SNS topic, a Kinesis stream, a
//! Lambda function); and never starts with a `/` when its name says so
//! (`${ParameterNameWithoutLeadingSlash}`: the parameter `/app/key` is
//! `parameter/app/key`). Any other placeholder ending the pattern — an
//! object key, a log group (`log-group:name:*`), a function with its
//! qualifier, a role with its path — may hold anything. Without these
//! bounds a placeholder could swallow the rest of the pattern, and every
//! resource of a service would fit every action of it.

/// The bytes a placeholder may not stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bounds {
    colon: bool,
    slash: bool,
    /// A `/` as its first byte.
    leading_slash: bool,
}

/// One element of a type's ARN pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Byte(u8),
    /// A placeholder (read as any run, zero included: never narrower than
    /// the real one-or-more) or the pattern's own `*` (no bounds).
    Run(Bounds),
}

/// A resource type's ARN pattern, compiled for [`TypeShape::may_be_named_by`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct TypeShape {
    pieces: Box<[Piece]>,
}

/// Placeholders whose values AWS's naming rules keep to one path element
/// (no `/`), by service: an S3 bucket, a DynamoDB table or index, an SQS
/// queue, an SNS topic (an IoT topic is a path), a Kinesis stream, a Lambda
/// function, a Pinpoint project (its ID is 32 hexadecimal digits, so
/// `apps/ID/endpoints/*` names no project).
const ONE_ELEMENT_NAMES: &[(&str, &str)] = &[
    ("mobiletargeting", "AppId"),
    ("s3", "BucketName"),
    ("dynamodb", "TableName"),
    ("dynamodb", "IndexName"),
    ("sqs", "QueueName"),
    ("sns", "TopicName"),
    ("kinesis", "StreamName"),
    ("lambda", "FunctionName"),
];

/// Placeholders that end their pattern but whose values AWS's naming rules
/// keep free of `:`, by service, where a `:` would name another resource
/// (`repository/app:v1` is an image tag, `orders:5f3e…` an SNS
/// subscription): a state machine's versions and aliases
/// (`stateMachine:orders:PROD`) are authorized as the state machine (Step
/// Functions Developer Guide, "Authorization for versions and aliases"), and
/// its activities' names hold no `:` either; a log stream's and a log
/// destination's name ("don't use ':'", `[^:*]*`, CloudWatch Logs API
/// Reference, CreateLogStream and PutDestination); an SSM parameter's
/// (letters, digits, `_.-` and `/`, Systems Manager User Guide); an SQS
/// queue's and an SNS topic's (letters, digits, `-` and `_`, a `.fifo`
/// suffix); a DynamoDB table's or index's and a Kinesis stream's
/// (`[a-zA-Z0-9_.-]+`); an ECR repository's (lower-case letters, digits,
/// `._-` and `/`); an EventBridge bus's and rule's (`[/.\-_A-Za-z0-9]+`);
/// an S3 bucket's (lower-case letters, digits, `.` and `-`); a KMS alias's
/// (`[a-zA-Z0-9/_-]+`); an ECS cluster's and service's and a CodeBuild
/// project's (letters, digits, `-` and `_`). Names that may hold a `:` —
/// an object key, a log group (its actions take `log-group:name:*`), a
/// function (`function:name:qualifier`), an IAM path — are not listed.
const NO_COLON_NAMES: &[(&str, &str)] = &[
    ("states", "StateMachineName"),
    ("states", "ActivityName"),
    ("logs", "LogStreamName"),
    ("logs", "DestinationName"),
    ("ssm", "ParameterNameWithoutLeadingSlash"),
    ("sqs", "QueueName"),
    ("sns", "TopicName"),
    ("dynamodb", "TableName"),
    ("dynamodb", "IndexName"),
    ("kinesis", "StreamName"),
    ("ecr", "RepositoryName"),
    ("events", "EventBusName"),
    ("events", "RuleName"),
    ("s3", "BucketName"),
    ("kms", "Alias"),
    ("ecs", "ClusterName"),
    ("ecs", "ServiceName"),
    ("codebuild", "ProjectName"),
];

/// How an action names the resources of its types, where that differs
/// from how the types' ARN patterns read on their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// As the pattern reads, with its placeholders' usual bounds.
    AsTyped,
    /// By the bare ARN: no placeholder holds a `:`.
    Bare,
    /// By the ARN of something under the resource, after a `:`: the last
    /// placeholder may hold one whatever it names.
    Suffixed,
}

/// Actions that name their types' resources otherwise than the types'
/// patterns read, by (service, action):
/// - CloudWatch Logs' tag-removing and tag-listing actions take a log
///   group's bare ARN, without the `:*` its other actions are granted on
///   ("In IAM policies, when specifying permissions for TagResource,
///   UntagResource, and ListTagsForResource", CloudWatch Logs API
///   Reference, `LogGroup`). `logs:TagResource` is not listed: it is also
///   what tags a log group as `logs:CreateLogGroup` creates it, on the
///   creation's `…:*` ARN (AWS's own managed policies grant the two
///   together on `log-group:…:*`).
/// - SNS's subscription actions are listed with the topic type, but their
///   API names a subscription, `topic:subscription-id`, so a topic name that
///   holds no `:` does not bound them.
const ADDRESSING: &[(&str, &str, Addressing)] = &[
    ("logs", "UntagResource", Addressing::Bare),
    ("logs", "ListTagsForResource", Addressing::Bare),
    ("sns", "Unsubscribe", Addressing::Suffixed),
    ("sns", "GetSubscriptionAttributes", Addressing::Suffixed),
    ("sns", "SetSubscriptionAttributes", Addressing::Suffixed),
];

/// Actions that take only `*` in the Service Authorization Reference but
/// that their service authorizes on a pseudo-ARN, by (service, action,
/// pattern): CloudWatch Logs denies `logs:DescribeLogGroups` "on resource:
/// arn:aws:logs:REGION:ACCOUNT:log-group::log-stream:", and AWS's own
/// managed policies grant it on `log-group::log-stream:*`.
const PSEUDO_ARNS: &[(&str, &str, &str)] = &[(
    "logs",
    "DescribeLogGroups",
    "arn:${Partition}:logs:${Region}:${Account}:log-group::log-stream:",
)];

/// Whether a policy's resource pattern can name what an action that takes
/// only `*` is authorized on: `*` itself, a pattern of every resource of
/// the action's service (`arn:aws:s3:::*`, `arn:aws:logs:*:*:*` — a service
/// authorizes such actions on `*` or on an ARN of its own, and such a
/// pattern names either), or the action's known pseudo-ARN
/// ([`PSEUDO_ARNS`]). `names_the_service` says whether an ARN's service
/// part is the action's service's (its prefix, or the name its resource
/// types' ARNs use: `servicecatalog` actions, `arn:aws:catalog:…`); it is
/// compared as IAM compares ARNs, with case.
pub(super) fn may_name_what_a_wildcard_action_is_authorized_on(
    service: &str,
    action: &str,
    resource: &str,
    names_the_service: &dyn Fn(&str) -> bool,
) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.bytes().all(|b| b == b'*');
    if all_stars(resource) {
        return true;
    }
    // `arn:PARTITION:SERVICE:REGION:ACCOUNT:*`, or fewer segments ending in
    // a star that spans the rest (`arn:aws:logs:*`, `arn:aws:logs:us-east-1:*`).
    // The service is compared last: it may take a look at every type of the
    // action's service, and most patterns are no whole-service pattern.
    let mut segments = resource.splitn(6, ':');
    let whole_service = match (segments.next(), segments.next(), segments.next()) {
        (Some("arn"), Some(_), Some(service_part)) => {
            segments.last().is_some_and(all_stars)
                && (all_stars(service_part) || names_the_service(service_part))
        }
        _ => false,
    };
    whole_service
        || PSEUDO_ARNS.iter().any(|&(s, a, pattern)| {
            s == service
                && a == action
                && TypeShape::new(pattern)
                    .may_be_named_by(resource)
                    .unwrap_or(false)
        })
}

/// How `action` of `service` names its types' resources ([`ADDRESSING`]).
pub(super) fn addressing(service: &str, action: &str) -> Addressing {
    ADDRESSING
        .iter()
        .find(|&&(s, a, _)| s == service && a == action)
        .map_or(Addressing::AsTyped, |&(_, _, addressing)| addressing)
}

/// Identifiers that do hold a `:`, by service: a Bedrock model's version
/// (`foundation-model/anthropic.claude-3-haiku-20240307-v1:0`, and the
/// inference profiles and custom models named after one).
const COLON_IDENTIFIERS: &[(&str, &str)] = &[("bedrock", "ResourceId")];

/// Whether a placeholder name is an identifier's (no `:` in its values).
fn names_an_identifier(name: &str) -> bool {
    ["Id", "ID", "Uuid", "UUID"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Where each byte value is in a policy pattern of at most 127 bytes (bit
/// `j` of `at[b]`: byte `j` is `b`), for [`TypeShape::walk`]. A worker
/// keeps the table of the last pattern it compared: a rule compares one
/// resource with the types of several actions in turn, and loads it once.
/// Loading another clears only what the last one set (cheaper than zeroing
/// 4 KiB).
struct Positions {
    at: [u128; 256],
    loaded: [u8; 127],
    len: usize,
}

impl Positions {
    const EMPTY: Positions = Positions {
        at: [0; 256],
        loaded: [0; 127],
        len: 0,
    };

    /// Makes the table that of `pattern` (at most 127 bytes).
    fn load(&mut self, pattern: &[u8]) {
        if self.loaded[..self.len] == *pattern {
            return;
        }
        for &b in &self.loaded[..self.len] {
            self.at[usize::from(b)] = 0;
        }
        for (j, &b) in pattern.iter().enumerate() {
            self.at[usize::from(b)] |= 1 << j;
        }
        self.loaded[..pattern.len()].copy_from_slice(pattern);
        self.len = pattern.len();
    }
}

impl TypeShape {
    /// Compiles a resource type's ARN pattern.
    pub(super) fn new(pattern: &str) -> TypeShape {
        Self::addressed(pattern, Addressing::AsTyped)
    }

    /// Compiles a resource type's ARN pattern as an action that names its
    /// resources so ([`Addressing`]) reads it.
    pub(super) fn addressed(pattern: &str, addressing: Addressing) -> TypeShape {
        let service = pattern.split(':').nth(2).unwrap_or_default();
        let mut pieces = Vec::with_capacity(pattern.len());
        let mut colons = 0;
        let mut rest = pattern;
        while let Some(c) = rest.chars().next() {
            let placeholder = rest
                .strip_prefix("${")
                .and_then(|inner| Some(&inner[..inner.find('}')?]));
            if let Some(name) = placeholder {
                rest = &rest[name.len() + 3..];
                let last = rest.is_empty();
                let colon = match addressing {
                    Addressing::Bare => true,
                    Addressing::Suffixed if last => false,
                    _ => {
                        colons < 5
                            || !last
                            || (names_an_identifier(name)
                                && !COLON_IDENTIFIERS.contains(&(service, name)))
                            || NO_COLON_NAMES.contains(&(service, name))
                    }
                };
                pieces.push(Piece::Run(Bounds {
                    colon,
                    slash: ONE_ELEMENT_NAMES.contains(&(service, name)),
                    leading_slash: name.ends_with("WithoutLeadingSlash"),
                }));
                continue;
            }
            if c == ':' {
                colons += 1;
            }
            if c == '*' {
                pieces.push(Piece::Run(Bounds {
                    colon: false,
                    slash: false,
                    leading_slash: false,
                }));
            } else {
                // Compared byte by byte, as the policy pattern is.
                let mut buffer = [0; 4];
                pieces.extend(c.encode_utf8(&mut buffer).bytes().map(Piece::Byte));
            }
            rest = &rest[c.len_utf8()..];
        }
        TypeShape {
            pieces: pieces.into_boxed_slice(),
        }
    }

    /// Whether some ARN of the type matches the policy pattern
    /// `resource` (`*` any run, `?` one character; policy variables
    /// already read as `*`). `None` when the pattern is too long to decide
    /// this way (over 127 bytes).
    ///
    /// The set of pattern positions reachable after each piece of the
    /// type is kept as the bits of a `u128` (bit `j`: the first `j` bytes
    /// of the pattern are matched).
    pub(super) fn may_be_named_by(&self, resource: &str) -> Option<bool> {
        let pattern = resource.as_bytes();
        if pattern.len() > 127 {
            return None;
        }
        thread_local! {
            static POSITIONS: std::cell::RefCell<Positions> =
                const { std::cell::RefCell::new(Positions::EMPTY) };
        }
        POSITIONS.with_borrow_mut(|positions| {
            positions.load(pattern);
            Some(self.walk(pattern.len(), &positions.at))
        })
    }

    /// [`TypeShape::may_be_named_by`] over a pattern of `len` bytes whose
    /// byte positions are `at`.
    fn walk(&self, len: usize, at: &[u128; 256]) -> bool {
        let stars = at[usize::from(b'*')];
        let any_one = at[usize::from(b'?')];
        let every = if len == 0 {
            0
        } else {
            u128::MAX >> (128 - len)
        };
        let literals = every & !stars & !any_one;
        // From each position in `set`, on through every position of
        // `passable` that follows it: adding the starting bits to the runs
        // of `passable` carries each to the end of its run, and the bits
        // the carry flips are the positions passed (the runs end before bit
        // 127, so nothing carries out).
        let fill =
            |set: u128, passable: u128| set | ((set & passable).wrapping_add(passable) ^ passable);
        // A pattern star may match nothing: from `j` on to `j + 1`.
        let mut set = fill(1, stars);
        for piece in self.pieces.iter() {
            set = match *piece {
                Piece::Byte(byte) => {
                    // A literal or `?` of the pattern takes the byte; a
                    // pattern star takes it and stays.
                    let takes = at[usize::from(byte)] | any_one;
                    ((set & takes) << 1) | (set & stars)
                }
                Piece::Run(bounds) => {
                    // The run takes any number of pattern bytes it accepts
                    // (a `?` stands for one it accepts; a star for none).
                    let mut refused = 0;
                    if bounds.colon {
                        refused |= at[usize::from(b':')];
                    }
                    if bounds.slash {
                        refused |= at[usize::from(b'/')];
                    }
                    let passable = (literals & !refused) | any_one | stars;
                    if bounds.leading_slash {
                        // Nothing, or a first byte that is no `/` (or
                        // one a pattern star takes, staying) and then
                        // any it accepts.
                        let first = (literals & !refused & !at[usize::from(b'/')]) | any_one;
                        set | fill(((set & first) << 1) | (set & stars), passable)
                    } else {
                        fill(set, passable)
                    }
                }
            };
            set = fill(set, stars);
            if set == 0 {
                return false;
            }
        }
        set >> len & 1 == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(arn_pattern: &str, resource: &str) -> bool {
        TypeShape::new(arn_pattern)
            .may_be_named_by(resource)
            .expect("short enough")
    }

    const INSTANCE: &str = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const LOG_GROUP: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
    const FUNCTION: &str = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
    const TABLE: &str = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
    const IOT_TOPIC: &str = "arn:${Partition}:iot:${Region}:${Account}:topic/${TopicName}";
    const LOG_STREAM: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";

    #[test]
    fn a_state_machine_name_holds_no_colon() {
        // `stateMachine:orders:PROD` is an alias, authorized as the machine.
        let machine = TypeShape::new(
            "arn:${Partition}:states:${Region}:${Account}:stateMachine:${StateMachineName}",
        );
        let fits = |resource: &str| machine.may_be_named_by(resource);
        assert_eq!(
            fits("arn:aws:states:us-east-1:1:stateMachine:m:PROD"),
            Some(false)
        );
        assert_eq!(
            fits("arn:aws:states:us-east-1:1:stateMachine:m"),
            Some(true)
        );
        assert_eq!(fits("arn:aws:states:*:*:stateMachine:*"), Some(true));
    }

    #[test]
    fn a_parameter_name_does_not_start_with_a_slash() {
        let parameter = TypeShape::new(
            "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}",
        );
        let fits = |resource: &str| parameter.may_be_named_by(resource);
        for (resource, expected) in [
            ("arn:aws:ssm:us-east-1:1:parameter/app/key", true),
            ("arn:aws:ssm:us-east-1:1:parameter/*", true),
            ("arn:aws:ssm:us-east-1:1:parameter/*/key", true),
            ("arn:aws:ssm:us-east-1:1:parameter/?/key", true),
            ("arn:aws:ssm:*:*:parameter*", true),
            ("arn:aws:ssm:*:*:parameter", false),
            ("arn:aws:ssm:us-east-1:1:parameter//app/key", false),
            ("arn:aws:ssm:us-east-1:1:parameter//*", false),
            ("arn:aws:ssm:us-east-1:1:parameter/a:b", false),
        ] {
            assert_eq!(fits(resource), Some(expected), "{resource}");
        }
    }

    #[test]
    fn an_action_that_takes_the_bare_arn_does_not_take_a_suffixed_one() {
        let bare = TypeShape::addressed(LOG_GROUP, Addressing::Bare);
        let fits = |resource: &str| bare.may_be_named_by(resource);
        assert_eq!(
            fits("arn:aws:logs:us-east-1:1:log-group:/app/orders"),
            Some(true)
        );
        assert_eq!(fits("arn:aws:logs:*:*:log-group:/app/*"), Some(true));
        assert_eq!(
            fits("arn:aws:logs:us-east-1:1:log-group:/app/orders:*"),
            Some(false)
        );
        assert_eq!(
            fits("arn:aws:logs:us-east-1:1:log-group:/app/orders:log-stream:s1"),
            Some(false)
        );
        // The same pattern as every other action reads it.
        assert!(super::super::resource_fit::TypeShape::new(LOG_GROUP)
            .may_be_named_by("arn:aws:logs:us-east-1:1:log-group:/app/orders:*")
            .unwrap_or(false));
        assert_eq!(addressing("logs", "UntagResource"), Addressing::Bare);
        assert_eq!(addressing("logs", "TagResource"), Addressing::AsTyped);
        assert_eq!(
            addressing("logs", "PutRetentionPolicy"),
            Addressing::AsTyped
        );
    }

    #[test]
    fn a_subscription_action_takes_a_topic_with_a_suffix() {
        const TOPIC: &str = "arn:${Partition}:sns:${Region}:${Account}:${TopicName}";
        let subscription = "arn:aws:sns:us-east-1:1:orders:5f3e9a1c-0b1d-4c2e-9f00-123456789abc";
        assert_eq!(
            TypeShape::new(TOPIC).may_be_named_by(subscription),
            Some(false)
        );
        assert_eq!(
            TypeShape::addressed(TOPIC, Addressing::Suffixed).may_be_named_by(subscription),
            Some(true)
        );
        assert_eq!(addressing("sns", "Unsubscribe"), Addressing::Suffixed);
    }

    #[test]
    fn what_a_wildcard_action_is_authorized_on() {
        let fits = |service: &str, action, resource| {
            may_name_what_a_wildcard_action_is_authorized_on(service, action, resource, &|s| {
                s == service || (service == "servicecatalog" && s == "catalog")
            })
        };
        assert!(fits("s3", "ListAllMyBuckets", "*"));
        assert!(fits("s3", "ListAllMyBuckets", "arn:aws:s3:::*"));
        assert!(fits("logs", "DescribeQueries", "arn:aws:logs:*:*:*"));
        assert!(fits(
            "logs",
            "DescribeQueries",
            "arn:aws:logs:us-east-1:123456789012:*"
        ));
        assert!(fits("logs", "DescribeQueries", "arn:aws:*:*:*:*"));
        assert!(fits("logs", "DescribeQueries", "arn:aws:logs:*"));
        assert!(fits("logs", "DescribeQueries", "arn:aws:logs:us-east-1:*"));
        assert!(!fits("logs", "DescribeQueries", "arn:aws:logs"));
        assert!(!fits("logs", "DescribeQueries", ""));
        assert!(fits("s3", "ListAllMyBuckets", "arn:aws:s3:::**"));
        // ARNs compare with case; a service's ARNs may use another name.
        assert!(!fits("s3", "ListAllMyBuckets", "arn:aws:S3:::*"));
        assert!(fits(
            "servicecatalog",
            "ListPortfolios",
            "arn:aws:catalog:*:*:*"
        ));
        assert!(!fits(
            "logs",
            "DescribeQueries",
            "arn:aws:logs:*:*:log-group:*"
        ));
        assert!(!fits("s3", "ListAllMyBuckets", "arn:aws:s3:::orders"));
        assert!(!fits("s3", "ListAllMyBuckets", "arn:aws:ec2:*:*:*"));
        assert!(!fits("eks", "ListClusters", "arn:aws:eks:*:*:cluster/*"));
        // A known pseudo-ARN.
        assert!(fits(
            "logs",
            "DescribeLogGroups",
            "arn:aws:logs:*:*:log-group:*"
        ));
        assert!(fits(
            "logs",
            "DescribeLogGroups",
            "arn:aws:logs:*:*:log-group::log-stream:*"
        ));
        assert!(!fits(
            "logs",
            "DescribeLogGroups",
            "arn:aws:logs:*:*:log-group:/aws/chatbot/*"
        ));
    }

    /// Every name listed as colon-free is the last placeholder of some
    /// resource type of its service, and bounds it: the name fits, the name
    /// with a `:` suffix does not.
    #[test]
    fn every_colon_free_name_bounds_a_type() {
        let catalog = super::super::catalog().expect("the embedded catalog");
        for &(service, name) in NO_COLON_NAMES {
            let info = catalog.service(service).expect("a catalog service");
            let ending = format!("${{{name}}}");
            let patterns: Vec<&str> = info
                .resource_types()
                .map(|t| t.arn_pattern())
                .filter(|p| p.ends_with(&ending))
                .collect();
            assert!(!patterns.is_empty(), "no {service} type ends with {ending}");
            for pattern in patterns {
                // Every placeholder filled with a plain value.
                let mut arn = String::new();
                let mut rest = pattern;
                while let Some(start) = rest.find("${") {
                    arn.push_str(&rest[..start]);
                    let end = start + rest[start..].find('}').expect("closed");
                    arn.push_str(match &rest[start + 2..end] {
                        "Partition" => "aws",
                        "Region" => "us-east-1",
                        "Account" => "123456789012",
                        _ => "orders",
                    });
                    rest = &rest[end + 1..];
                }
                arn.push_str(rest);
                let shape = TypeShape::new(pattern);
                assert_eq!(
                    shape.may_be_named_by(&arn),
                    Some(true),
                    "{arn} for {pattern}"
                );
                let suffixed = format!("{arn}:x");
                assert_eq!(
                    shape.may_be_named_by(&suffixed),
                    Some(false),
                    "{suffixed} for {pattern}"
                );
            }
        }
    }

    #[test]
    fn resources_of_the_type_fit() {
        for (arn_pattern, resource) in [
            (
                INSTANCE,
                "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            ),
            (INSTANCE, "arn:aws:ec2:*:*:instance/*"),
            (INSTANCE, "arn:aws:ec2:*"),
            (INSTANCE, "arn:aws:*:*:*:*"),
            (INSTANCE, "arn:aws:ec2:us-east-?:*:instance/i-*"),
            (BUCKET, "arn:aws:s3:::orders"),
            (BUCKET, "arn:aws:s3:::orders*"),
            (OBJECT, "arn:aws:s3:::orders/*"),
            (OBJECT, "arn:aws:s3:::orders/a/b:c.txt"),
            (LOG_GROUP, "arn:aws:logs:*:*:log-group:/aws/lambda/x:*"),
            (
                LOG_GROUP,
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*",
            ),
            (LOG_GROUP, "arn:aws:logs:*:log-group:/aws/lambda/x"),
            (
                FUNCTION,
                "arn:aws:lambda:us-east-1:123456789012:function:orders",
            ),
            (FUNCTION, "arn:aws:lambda:*:*:function:orders:*"),
            (FUNCTION, "arn:aws:lambda:*:*:function:orders:prod"),
            (TABLE, "arn:aws:dynamodb:*:*:table/orders"),
            (ROLE, "arn:aws:iam::123456789012:role/service-role/*"),
            (ROLE, "arn:aws:iam::*:role/*"),
            (
                IOT_TOPIC,
                "arn:aws:iot:us-east-1:123456789012:topic/sensors/temp",
            ),
            (IOT_TOPIC, "arn:aws:iot:*:*:topic/sensors/*"),
            (
                LOG_STREAM,
                "arn:aws:logs:*:*:log-group:/aws/lambda/orders:*",
            ),
            // Stars span colons, as IAM reads them: AWS's own policies name
            // `arn:aws:logs:*:*:/aws-glue/*` for Glue's log streams.
            (LOG_STREAM, "arn:aws:logs:*:*:/aws-glue/*"),
        ] {
            assert!(
                fits(arn_pattern, resource),
                "{resource} should fit {arn_pattern}"
            );
        }
    }

    #[test]
    fn resources_of_other_types_do_not() {
        for (arn_pattern, resource) in [
            (INSTANCE, "arn:aws:ec2:us-east-1:123456789012:volume/*"),
            (INSTANCE, "arn:aws:ec2:*:*:volume/*"),
            (INSTANCE, "arn:aws:ec2:*:123456789012:fake_resource_type/*"),
            (INSTANCE, "arn:aws:s3:::orders"),
            (BUCKET, "arn:aws:s3:::orders/*"),
            (BUCKET, "arn:aws:s3:::orders/reports"),
            (OBJECT, "arn:aws:s3:::orders"),
            (
                FUNCTION,
                "arn:aws:lambda:us-east-1:123456789012:layer:shared",
            ),
            (
                TABLE,
                "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-date",
            ),
            (TABLE, "arn:aws:dynamodb:*:*:table/orders/stream/*"),
            (ROLE, "arn:aws:iam::123456789012:user/alice"),
            // A log stream's name holds no `:`, so no stream's ARN ends in
            // a log group's, however far the stars reach.
            (LOG_STREAM, "arn:aws:logs:*:*:log-group:/aws/lambda/orders"),
        ] {
            assert!(
                !fits(arn_pattern, resource),
                "{resource} should not fit {arn_pattern}"
            );
        }
    }

    /// The same question answered the slow way: a search over (piece,
    /// pattern byte) pairs, one character at a time.
    fn reference(pieces: &[Piece], pattern: &[u8]) -> bool {
        fn reach(
            pieces: &[Piece],
            pattern: &[u8],
            p: usize,
            t: usize,
            // Whether the run at `p` has stood for a byte yet.
            started: bool,
            seen: &mut std::collections::HashSet<(usize, usize, bool)>,
        ) -> bool {
            if !seen.insert((p, t, started)) {
                return false;
            }
            if p == pieces.len() && t == pattern.len() {
                return true;
            }
            let here = pattern.get(t).copied();
            // A star of the pattern, or a run of the type, may stand for nothing.
            if here == Some(b'*') && reach(pieces, pattern, p, t + 1, started, seen) {
                return true;
            }
            let Some(piece) = pieces.get(p) else {
                return false;
            };
            if let Piece::Run(_) = piece {
                if reach(pieces, pattern, p + 1, t, false, seen) {
                    return true;
                }
            }
            let Some(here) = here else { return false };
            match *piece {
                Piece::Byte(byte) => match here {
                    b'*' => reach(pieces, pattern, p + 1, t, false, seen),
                    b'?' => reach(pieces, pattern, p + 1, t + 1, false, seen),
                    c => c == byte && reach(pieces, pattern, p + 1, t + 1, false, seen),
                },
                Piece::Run(bounds) => match here {
                    // The star takes a byte of the run (one it accepts).
                    b'*' => reach(pieces, pattern, p, t, true, seen),
                    b'?' => reach(pieces, pattern, p, t + 1, true, seen),
                    c => {
                        let refused = (bounds.colon && c == b':')
                            || (bounds.slash && c == b'/')
                            || (bounds.leading_slash && !started && c == b'/');
                        !refused && reach(pieces, pattern, p, t + 1, true, seen)
                    }
                },
            }
        }
        reach(
            pieces,
            pattern,
            0,
            0,
            false,
            &mut std::collections::HashSet::new(),
        )
    }

    #[test]
    fn the_bit_parallel_walk_agrees_with_a_search() {
        // Pseudo-random shapes and patterns over a small alphabet.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |bound: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % bound
        };
        let bytes = [b'a', b'b', b':', b'/'];
        for _ in 0..20_000 {
            let pieces: Vec<Piece> = (0..next(7))
                .map(|_| match next(6) {
                    0 | 1 => Piece::Run(Bounds {
                        colon: next(2) == 0,
                        slash: next(2) == 0,
                        leading_slash: next(2) == 0,
                    }),
                    _ => Piece::Byte(bytes[next(4) as usize]),
                })
                .collect();
            let pattern: Vec<u8> = (0..next(9))
                .map(|_| [b'a', b'b', b':', b'/', b'*', b'?'][next(6) as usize])
                .collect();
            let shape = TypeShape {
                pieces: pieces.clone().into_boxed_slice(),
            };
            let text = String::from_utf8(pattern.clone()).unwrap_or_default();
            assert_eq!(
                shape.may_be_named_by(&text),
                Some(reference(&pieces, &pattern)),
                "{pieces:?} against {text:?}"
            );
        }
    }

    #[test]
    fn long_patterns_are_left_undecided() {
        let long = format!("arn:aws:s3:::{}", "a".repeat(200));
        assert_eq!(TypeShape::new(BUCKET).may_be_named_by(&long), None);
    }
}
