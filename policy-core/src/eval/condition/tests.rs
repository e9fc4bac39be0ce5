//! Condition operators, tested against iam-semantics §4 and §5 (not against
//! the implementation): one group per operator family, then missing keys,
//! `IfExists`, set operators, NOR semantics and policy variables.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::eval::{CompiledPolicy, PolicyKind};

/// Compiles one `operator → key → values` entry of a `2012-10-17` policy.
fn cond(operator: &str, key: &str, values: &[&str]) -> CompiledCondition {
    compile_with(operator, key, values, true)
}

/// Compiles one entry; `variables` is false for `2008-10-17` policies.
fn compile_with(operator: &str, key: &str, values: &[&str], variables: bool) -> CompiledCondition {
    let parsed = ConditionOperator::parse(operator).unwrap();
    assert!(!parsed.case_differs, "write `{operator}` as documented");
    let condition = Condition {
        operator: parsed.operator,
        key: key.to_owned(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        is_array: values.len() != 1,
        bare_values: 0,
        pointer: "/Statement/Condition".to_owned(),
    };
    let mut diagnostics = Vec::new();
    CompiledCondition::compile(&condition, variables, &mut diagnostics)
}

/// A context of single-valued keys.
fn ctx(pairs: &[(&str, &str)]) -> RequestContext {
    let mut c = RequestContext::new();
    for (k, v) in pairs {
        c.insert(k, ContextValue::Single((*v).to_owned()));
    }
    c
}

/// A context holding one multivalued key (possibly an empty set).
fn multi(key: &str, values: &[&str]) -> RequestContext {
    let mut c = RequestContext::new();
    c.insert(
        key,
        ContextValue::Multi(values.iter().map(|v| (*v).to_owned()).collect()),
    );
    c
}

/// Whether the condition holds for a single-valued `key = value`.
fn holds_for(c: &CompiledCondition, key: &str, value: &str) -> bool {
    c.evaluate(&ctx(&[(key, value)])) == ConditionOutcome::Holds
}

fn holds(c: &CompiledCondition, context: &RequestContext) -> bool {
    c.evaluate(context) == ConditionOutcome::Holds
}

/// Whether the condition holds when the request has no keys at all.
fn holds_when_missing(c: &CompiledCondition) -> bool {
    c.evaluate(&RequestContext::new()) == ConditionOutcome::Holds
}

// ---------------------------------------------------------------- String

#[test]
fn string_equals_is_exact_and_case_sensitive() {
    let c = cond("StringEquals", "aws:PrincipalTag/env", &["prod"]);
    assert!(holds_for(&c, "aws:PrincipalTag/env", "prod"));
    assert!(!holds_for(&c, "aws:PrincipalTag/env", "Prod"));
    assert!(!holds_for(&c, "aws:PrincipalTag/env", "prod "));
    assert!(!holds_for(&c, "aws:PrincipalTag/env", "production"));
}

#[test]
fn string_equals_has_no_wildcards() {
    let c = cond("StringEquals", "s3:prefix", &["home/*", "a?c"]);
    assert!(holds_for(&c, "s3:prefix", "home/*"));
    assert!(!holds_for(&c, "s3:prefix", "home/alice"));
    assert!(holds_for(&c, "s3:prefix", "a?c"));
    assert!(!holds_for(&c, "s3:prefix", "abc"));
}

#[test]
fn string_equals_several_values_are_ored() {
    let c = cond(
        "StringEquals",
        "aws:SourceAccount",
        &["111122223333", "444455556666"],
    );
    assert!(holds_for(&c, "aws:SourceAccount", "111122223333"));
    assert!(holds_for(&c, "aws:SourceAccount", "444455556666"));
    assert!(!holds_for(&c, "aws:SourceAccount", "999988887777"));
}

#[test]
fn string_not_equals_is_the_negation() {
    let c = cond("StringNotEquals", "aws:PrincipalTag/env", &["prod"]);
    assert!(!holds_for(&c, "aws:PrincipalTag/env", "prod"));
    assert!(holds_for(&c, "aws:PrincipalTag/env", "Prod"));
    assert!(holds_for(&c, "aws:PrincipalTag/env", "dev"));
}

#[test]
fn string_equals_ignore_case() {
    let c = cond("StringEqualsIgnoreCase", "aws:PrincipalTag/env", &["Prod"]);
    assert!(holds_for(&c, "aws:PrincipalTag/env", "prod"));
    assert!(holds_for(&c, "aws:PrincipalTag/env", "PROD"));
    assert!(holds_for(&c, "aws:PrincipalTag/env", "pRoD"));
    assert!(!holds_for(&c, "aws:PrincipalTag/env", "prod1"));
    // Still no wildcards.
    let c = cond("StringEqualsIgnoreCase", "k", &["p*"]);
    assert!(!holds_for(&c, "k", "prod"));
    assert!(holds_for(&c, "k", "P*"));
}

#[test]
fn string_equals_ignore_case_lowercases_each_character() {
    // Non-ASCII letters compare ignoring case too.
    let c = cond("StringEqualsIgnoreCase", "k", &["ÉTÉ-Ärger"]);
    assert!(holds_for(&c, "k", "été-ärger"));
    // Per-character lower-casing, not full case folding: `ß` ≠ `ss` (§4.3).
    let c = cond("StringEqualsIgnoreCase", "k", &["STRASSE"]);
    assert!(!holds_for(&c, "k", "straße"));
    assert!(holds_for(&c, "k", "strasse"));
    let c = cond("StringEqualsIgnoreCase", "k", &["straße"]);
    assert!(!holds_for(&c, "k", "STRASSE"));
}

#[test]
fn string_not_equals_ignore_case() {
    let c = cond("StringNotEqualsIgnoreCase", "k", &["Prod", "Staging"]);
    assert!(!holds_for(&c, "k", "PROD"));
    assert!(!holds_for(&c, "k", "staging"));
    assert!(holds_for(&c, "k", "dev"));
    assert!(holds_when_missing(&c));
}

#[test]
fn string_like_star_matches_any_run_including_separators() {
    let c = cond("StringLike", "s3:prefix", &["home/*"]);
    assert!(holds_for(&c, "s3:prefix", "home/"));
    assert!(holds_for(&c, "s3:prefix", "home/alice"));
    assert!(holds_for(&c, "s3:prefix", "home/alice/docs/a:b"));
    assert!(!holds_for(&c, "s3:prefix", "home"));
    assert!(!holds_for(&c, "s3:prefix", "Home/alice"));
    let c = cond("StringLike", "k", &["a*z"]);
    assert!(holds_for(&c, "k", "az"));
    assert!(holds_for(&c, "k", "a:/z"));
    assert!(!holds_for(&c, "k", "a:/zz!"));
}

#[test]
fn string_like_question_mark_is_exactly_one_character() {
    let c = cond("StringLike", "k", &["v?"]);
    assert!(holds_for(&c, "k", "v1"));
    assert!(!holds_for(&c, "k", "v"));
    assert!(!holds_for(&c, "k", "v12"));
    // One Unicode scalar value, no normalisation (§3.1).
    let c = cond("StringLike", "k", &["caf?"]);
    assert!(holds_for(&c, "k", "caf\u{e9}"));
    assert!(!holds_for(&c, "k", "cafe\u{301}"));
}

#[test]
fn string_like_regex_characters_are_literal() {
    let pattern = "2024/06/01/[$LATEST]a.b(c)+|^\\d*";
    let c = cond("StringLike", "k", &[pattern]);
    assert!(holds_for(&c, "k", "2024/06/01/[$LATEST]a.b(c)+|^\\dxyz"));
    assert!(holds_for(&c, "k", "2024/06/01/[$LATEST]a.b(c)+|^\\d"));
    // `.` is not "any character", `[...]` is not a class, `+` not a repeat.
    assert!(!holds_for(&c, "k", "2024/06/01/L]a.b(c)+|^\\d"));
    assert!(!holds_for(&c, "k", "2024/06/01/[$LATEST]aXb(c)+|^\\d"));
    assert!(!holds_for(&c, "k", "2024/06/01/[$LATEST]a.b(cc)|^\\d"));
}

#[test]
fn string_not_like_is_nor_over_patterns() {
    let c = cond("StringNotLike", "k", &["dev-*", "test-*"]);
    assert!(!holds_for(&c, "k", "dev-1"));
    assert!(!holds_for(&c, "k", "test-1"));
    assert!(holds_for(&c, "k", "prod-1"));
    assert!(holds_for(&c, "k", "Dev-1"));
}

#[test]
fn condition_key_names_ignore_case() {
    let c = cond("StringEquals", "AWS:SourceAccount", &["111122223333"]);
    assert!(holds_for(&c, "aws:sourceaccount", "111122223333"));
    assert!(holds_for(&c, "Aws:SOURCEACCOUNT", "111122223333"));
    // The tag part of a tag key too (§2).
    let c = cond("StringEquals", "aws:ResourceTag/TagKey1", &["v"]);
    assert!(holds_for(&c, "aws:resourcetag/tagkey1", "v"));
    assert!(holds_for(&c, "AWS:ResourceTag/TAGKEY1", "v"));
}

// ---------------------------------------------------------------- Numeric

#[test]
fn numeric_compares_numbers_not_text() {
    let c = cond("NumericLessThan", "s3:max-keys", &["10"]);
    assert!(holds_for(&c, "s3:max-keys", "9"));
    assert!(!holds_for(&c, "s3:max-keys", "10"));
    assert!(!holds_for(&c, "s3:max-keys", "100"));
    let c = cond("NumericGreaterThan", "s3:max-keys", &["9"]);
    assert!(holds_for(&c, "s3:max-keys", "10"));
    assert!(!holds_for(&c, "s3:max-keys", "9"));
    assert!(!holds_for(&c, "s3:max-keys", "8"));
}

#[test]
fn numeric_equals_reads_values_as_numbers() {
    let c = cond("NumericEquals", "k", &["10"]);
    assert!(holds_for(&c, "k", "10"));
    assert!(holds_for(&c, "k", "10.0"));
    assert!(!holds_for(&c, "k", "10.5"));
    assert!(!holds_for(&c, "k", "1"));
}

#[test]
fn numeric_decimals() {
    let c = cond("NumericLessThan", "k", &["2.5"]);
    assert!(holds_for(&c, "k", "2.49"));
    assert!(holds_for(&c, "k", "-3"));
    assert!(!holds_for(&c, "k", "2.5"));
    assert!(!holds_for(&c, "k", "10"));
    let c = cond("NumericGreaterThan", "k", &["2.5"]);
    assert!(holds_for(&c, "k", "10"));
    assert!(!holds_for(&c, "k", "2.5"));
}

#[test]
fn numeric_or_equal_operators_include_the_bound() {
    let le = cond("NumericLessThanEquals", "k", &["10"]);
    assert!(holds_for(&le, "k", "10"));
    assert!(holds_for(&le, "k", "9"));
    assert!(!holds_for(&le, "k", "11"));
    let ge = cond("NumericGreaterThanEquals", "k", &["10"]);
    assert!(holds_for(&ge, "k", "10"));
    assert!(holds_for(&ge, "k", "11"));
    assert!(!holds_for(&ge, "k", "9"));
}

#[test]
fn numeric_not_equals_is_nor() {
    let c = cond("NumericNotEquals", "k", &["1", "2"]);
    assert!(!holds_for(&c, "k", "1"));
    assert!(!holds_for(&c, "k", "2.0"));
    assert!(holds_for(&c, "k", "3"));
    assert!(holds_when_missing(&c));
}

// ---------------------------------------------------------------- Date

#[test]
fn date_compares_iso_instants() {
    let lt = cond("DateLessThan", "aws:CurrentTime", &["2024-06-01T12:00:00Z"]);
    assert!(holds_for(&lt, "aws:CurrentTime", "2024-06-01T11:59:59Z"));
    assert!(holds_for(&lt, "aws:CurrentTime", "2023-12-31T23:00:00Z"));
    assert!(!holds_for(&lt, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    assert!(!holds_for(&lt, "aws:CurrentTime", "2024-06-01T12:00:01Z"));
    let le = cond(
        "DateLessThanEquals",
        "aws:CurrentTime",
        &["2024-06-01T12:00:00Z"],
    );
    assert!(holds_for(&le, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    let gt = cond(
        "DateGreaterThan",
        "aws:CurrentTime",
        &["2024-06-01T12:00:00Z"],
    );
    assert!(holds_for(&gt, "aws:CurrentTime", "2025-01-01T00:00:00Z"));
    assert!(!holds_for(&gt, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    let ge = cond(
        "DateGreaterThanEquals",
        "aws:CurrentTime",
        &["2024-06-01T12:00:00Z"],
    );
    assert!(holds_for(&ge, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    assert!(!holds_for(&ge, "aws:CurrentTime", "2024-06-01T11:00:00Z"));
}

#[test]
fn date_offsets_compare_as_instants_not_text() {
    // 12:00+02:00 is 10:00Z: earlier than 11:00Z although its text is larger.
    let c = cond("DateLessThan", "aws:CurrentTime", &["2024-06-01T11:00:00Z"]);
    assert!(holds_for(
        &c,
        "aws:CurrentTime",
        "2024-06-01T12:00:00+02:00"
    ));
    let eq = cond("DateEquals", "aws:CurrentTime", &["2024-06-01T12:00:00Z"]);
    assert!(holds_for(
        &eq,
        "aws:CurrentTime",
        "2024-06-01T14:00:00+02:00"
    ));
    assert!(!holds_for(
        &eq,
        "aws:CurrentTime",
        "2024-06-01T12:00:00+02:00"
    ));
}

#[test]
fn date_without_offset_is_utc() {
    let c = cond("DateEquals", "aws:CurrentTime", &["2024-06-01T12:00:00"]);
    assert!(holds_for(&c, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    assert!(!holds_for(
        &c,
        "aws:CurrentTime",
        "2024-06-01T12:00:00+01:00"
    ));
    let c = cond("DateEquals", "aws:CurrentTime", &["2024-06-01T12:00:00Z"]);
    assert!(holds_for(&c, "aws:CurrentTime", "2024-06-01T12:00:00"));
}

#[test]
fn date_epoch_seconds_compare_with_iso() {
    // 2024-06-01T12:00:00Z is 1717243200.
    let c = cond("DateEquals", "aws:CurrentTime", &["1717243200"]);
    assert!(holds_for(&c, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    assert!(holds_for(&c, "aws:CurrentTime", "1717243200"));
    assert!(!holds_for(&c, "aws:CurrentTime", "2024-06-01T12:00:01Z"));
    let c = cond("DateLessThan", "aws:EpochTime", &["2024-06-01T12:00:00Z"]);
    assert!(holds_for(&c, "aws:EpochTime", "1717243199"));
    assert!(!holds_for(&c, "aws:EpochTime", "1717243200"));
    let c = cond("DateGreaterThan", "aws:EpochTime", &["1717243200"]);
    assert!(holds_for(&c, "aws:EpochTime", "2024-06-01T12:00:01Z"));
    assert!(!holds_for(&c, "aws:EpochTime", "2024-06-01T11:59:59Z"));
}

#[test]
fn date_not_equals_is_nor() {
    let c = cond(
        "DateNotEquals",
        "aws:CurrentTime",
        &["2024-06-01T12:00:00Z", "2024-06-02T12:00:00Z"],
    );
    assert!(!holds_for(&c, "aws:CurrentTime", "2024-06-01T12:00:00Z"));
    assert!(!holds_for(&c, "aws:CurrentTime", "1717329600"));
    assert!(holds_for(&c, "aws:CurrentTime", "2024-06-03T12:00:00Z"));
    assert!(holds_when_missing(&c));
}

// ---------------------------------------------------------------- Bool

#[test]
fn bool_matches_true_and_false() {
    let t = cond("Bool", "aws:SecureTransport", &["true"]);
    assert!(holds_for(&t, "aws:SecureTransport", "true"));
    assert!(!holds_for(&t, "aws:SecureTransport", "false"));
    let f = cond("Bool", "aws:SecureTransport", &["false"]);
    assert!(holds_for(&f, "aws:SecureTransport", "false"));
    assert!(!holds_for(&f, "aws:SecureTransport", "true"));
}

#[test]
fn bool_on_missing_key_is_false() {
    let f = cond("Bool", "aws:SecureTransport", &["false"]);
    assert_eq!(
        f.evaluate(&RequestContext::new()),
        ConditionOutcome::FailsMissingKey
    );
    let t = cond("Bool", "aws:SecureTransport", &["true"]);
    assert!(!holds_when_missing(&t));
}

#[test]
fn bool_if_exists_on_missing_key_is_true() {
    let f = cond("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]);
    assert!(holds_when_missing(&f));
    assert!(holds_for(&f, "aws:MultiFactorAuthPresent", "false"));
    assert!(!holds_for(&f, "aws:MultiFactorAuthPresent", "true"));
}

// ---------------------------------------------------------------- Binary

#[test]
fn binary_equals_compares_the_encoded_bytes() {
    let c = cond("BinaryEquals", "k", &["QmluYXJ5VmFsdWVJbkJhc2U2NA=="]);
    assert!(holds_for(&c, "k", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="));
    assert!(!holds_for(&c, "k", "QmluYXJ5VmFsdWVJbkJhc2U2NQ=="));
    assert!(!holds_for(&c, "k", "b3RoZXI="));
    assert!(!holds_when_missing(&c));
}

// ---------------------------------------------------------------- IP

#[test]
fn ip_address_v4_ranges() {
    let c = cond("IpAddress", "aws:SourceIp", &["203.0.113.0/24"]);
    assert!(holds_for(&c, "aws:SourceIp", "203.0.113.0"));
    assert!(holds_for(&c, "aws:SourceIp", "203.0.113.255"));
    assert!(!holds_for(&c, "aws:SourceIp", "203.0.114.1"));
    assert!(!holds_for(&c, "aws:SourceIp", "10.0.0.1"));
}

#[test]
fn ip_address_bare_v4_is_a_single_host() {
    let c = cond("IpAddress", "aws:SourceIp", &["203.0.113.7"]);
    assert!(holds_for(&c, "aws:SourceIp", "203.0.113.7"));
    assert!(!holds_for(&c, "aws:SourceIp", "203.0.113.8"));
    assert!(!holds_for(&c, "aws:SourceIp", "203.0.113.6"));
}

#[test]
fn ip_address_v6_ranges_compare_parsed_addresses() {
    let c = cond("IpAddress", "aws:SourceIp", &["2001:db8::/32"]);
    assert!(holds_for(&c, "aws:SourceIp", "2001:db8::1"));
    assert!(holds_for(&c, "aws:SourceIp", "2001:DB8:0:0:0:0:0:ABCD"));
    assert!(holds_for(&c, "aws:SourceIp", "2001:0db8:ffff::"));
    assert!(!holds_for(&c, "aws:SourceIp", "2001:db9::1"));
    let host = cond("IpAddress", "aws:SourceIp", &["2001:db8::1"]);
    assert!(holds_for(&host, "aws:SourceIp", "2001:0DB8:0000::0001"));
    assert!(!holds_for(&host, "aws:SourceIp", "2001:db8::2"));
}

#[test]
fn ip_of_the_other_family_is_not_in_range() {
    let v4 = cond("IpAddress", "aws:SourceIp", &["0.0.0.0/0"]);
    assert!(!holds_for(&v4, "aws:SourceIp", "2001:db8::1"));
    assert!(holds_for(&v4, "aws:SourceIp", "198.51.100.1"));
    let not_v4 = cond("NotIpAddress", "aws:SourceIp", &["0.0.0.0/0"]);
    assert!(holds_for(&not_v4, "aws:SourceIp", "2001:db8::1"));
    assert!(!holds_for(&not_v4, "aws:SourceIp", "198.51.100.1"));
    let v6 = cond("IpAddress", "aws:SourceIp", &["::/0"]);
    assert!(!holds_for(&v6, "aws:SourceIp", "198.51.100.1"));
}

#[test]
fn not_ip_address_is_nor_and_true_on_missing_key() {
    let c = cond(
        "NotIpAddress",
        "aws:SourceIp",
        &["10.0.0.0/8", "192.168.0.0/16"],
    );
    assert!(!holds_for(&c, "aws:SourceIp", "10.1.2.3"));
    assert!(!holds_for(&c, "aws:SourceIp", "192.168.7.7"));
    assert!(holds_for(&c, "aws:SourceIp", "8.8.8.8"));
    assert!(holds_when_missing(&c));
    let positive = cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]);
    assert!(!holds_when_missing(&positive));
}

// ---------------------------------------------------------------- ARN

const DOC_PATTERN: &str = "arn:aws:someservice:*:111122223333:finance/*";
const DOC_VALUE: &str =
    "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";

#[test]
fn arn_like_is_segment_wise_unlike_string_like() {
    // The documented example (§4.3).
    let string_like = cond("StringLike", "aws:SourceArn", &[DOC_PATTERN]);
    assert!(holds_for(&string_like, "aws:SourceArn", DOC_VALUE));
    let arn_like = cond("ArnLike", "aws:SourceArn", &[DOC_PATTERN]);
    assert!(!holds_for(&arn_like, "aws:SourceArn", DOC_VALUE));
    // The pattern still matches ARNs of its own shape.
    assert!(holds_for(
        &arn_like,
        "aws:SourceArn",
        "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"
    ));
    let arn_equals = cond("ArnEquals", "aws:SourceArn", &[DOC_PATTERN]);
    assert!(!holds_for(&arn_equals, "aws:SourceArn", DOC_VALUE));
}

#[test]
fn arn_region_wildcard_cannot_swallow_the_account() {
    let c = cond(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:sns:*:111122223333:topic"],
    );
    assert!(holds_for(
        &c,
        "aws:SourceArn",
        "arn:aws:sns:eu-west-1:111122223333:topic"
    ));
    assert!(!holds_for(
        &c,
        "aws:SourceArn",
        "arn:aws:sns:us-east-1:999999999999:111122223333:topic"
    ));
}

#[test]
fn arn_sixth_part_keeps_its_colons() {
    let c = cond(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:*"],
    );
    assert!(holds_for(
        &c,
        "aws:SourceArn",
        "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/f:log-stream:x"
    ));
    assert!(!holds_for(
        &c,
        "aws:SourceArn",
        "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/g:log-stream:x"
    ));
}

#[test]
fn arn_equals_and_arn_like_behave_alike() {
    for op in ["ArnEquals", "ArnLike"] {
        let c = cond(
            op,
            "aws:SourceArn",
            &["arn:aws:events:us-east-1:111122223333:rule/nightly-*"],
        );
        assert!(
            holds_for(
                &c,
                "aws:SourceArn",
                "arn:aws:events:us-east-1:111122223333:rule/nightly-sync"
            ),
            "{op}"
        );
        assert!(
            !holds_for(
                &c,
                "aws:SourceArn",
                "arn:aws:events:us-east-1:111122223333:rule/hourly"
            ),
            "{op}"
        );
        let q = cond(op, "aws:SourceArn", &["arn:aws:s3:::bucket-?"]);
        assert!(
            holds_for(&q, "aws:SourceArn", "arn:aws:s3:::bucket-a"),
            "{op}"
        );
        assert!(
            !holds_for(&q, "aws:SourceArn", "arn:aws:s3:::bucket-ab"),
            "{op}"
        );
    }
}

#[test]
fn arn_operators_are_case_sensitive() {
    let c = cond(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:lambda:*:111122223333:function:Orders"],
    );
    assert!(holds_for(
        &c,
        "aws:SourceArn",
        "arn:aws:lambda:us-east-1:111122223333:function:Orders"
    ));
    assert!(!holds_for(
        &c,
        "aws:SourceArn",
        "arn:aws:lambda:us-east-1:111122223333:function:orders"
    ));
    let e = cond("ArnEquals", "aws:SourceArn", &["arn:aws:s3:::MyBucket"]);
    assert!(!holds_for(&e, "aws:SourceArn", "arn:aws:s3:::mybucket"));
}

#[test]
fn arn_operators_on_a_malformed_request_value() {
    let like = cond("ArnLike", "aws:SourceArn", &["arn:*:*:*:*:*"]);
    assert!(holds_for(&like, "aws:SourceArn", "arn:aws:s3:::b"));
    assert!(!holds_for(&like, "aws:SourceArn", "arn:aws:s3"));
    assert!(!holds_for(&like, "aws:SourceArn", "not-an-arn"));
    let not_like = cond("ArnNotLike", "aws:SourceArn", &["arn:*:*:*:*:*"]);
    assert!(holds_for(&not_like, "aws:SourceArn", "not-an-arn"));
    assert!(!holds_for(&not_like, "aws:SourceArn", "arn:aws:s3:::b"));
}

#[test]
fn arn_not_like_is_nor_and_true_on_missing_key() {
    let c = cond(
        "ArnNotLike",
        "aws:SourceArn",
        &["arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-b"],
    );
    assert!(!holds_for(&c, "aws:SourceArn", "arn:aws:s3:::bucket-a"));
    assert!(!holds_for(&c, "aws:SourceArn", "arn:aws:s3:::bucket-b"));
    assert!(holds_for(&c, "aws:SourceArn", "arn:aws:s3:::bucket-c"));
    assert!(holds_when_missing(&c));
    let ne = cond("ArnNotEquals", "aws:SourceArn", &["arn:aws:s3:::bucket-a"]);
    assert!(holds_when_missing(&ne));
    assert!(!holds_for(&ne, "aws:SourceArn", "arn:aws:s3:::bucket-a"));
    let positive = cond("ArnLike", "aws:SourceArn", &["arn:aws:s3:::bucket-a"]);
    assert_eq!(
        positive.evaluate(&RequestContext::new()),
        ConditionOutcome::FailsMissingKey
    );
}

// ---------------------------------------------------------------- Null

#[test]
fn null_true_means_absent() {
    let c = cond("Null", "aws:TokenIssueTime", &["true"]);
    assert!(holds_when_missing(&c));
    assert!(!holds_for(&c, "aws:TokenIssueTime", "2024-06-01T12:00:00Z"));
    assert!(!holds_for(&c, "AWS:TOKENISSUETIME", "x"));
}

#[test]
fn null_false_means_present() {
    let c = cond("Null", "aws:TokenIssueTime", &["false"]);
    assert!(!holds_when_missing(&c));
    assert!(holds_for(&c, "aws:TokenIssueTime", "2024-06-01T12:00:00Z"));
    assert!(holds(&c, &multi("aws:TokenIssueTime", &["a", "b"])));
}

#[test]
fn null_treats_an_empty_set_as_absent() {
    let empty = multi("aws:TagKeys", &[]);
    assert!(holds(&cond("Null", "aws:TagKeys", &["true"]), &empty));
    assert!(!holds(&cond("Null", "aws:TagKeys", &["false"]), &empty));
    let some = multi("aws:TagKeys", &["env"]);
    assert!(!holds(&cond("Null", "aws:TagKeys", &["true"]), &some));
    assert!(holds(&cond("Null", "aws:TagKeys", &["false"]), &some));
}

// ---------------------------------------------------------------- missing keys and IfExists

#[test]
fn missing_key_makes_positive_operators_false() {
    for (op, value) in [
        ("StringEquals", "x"),
        ("StringEqualsIgnoreCase", "x"),
        ("StringLike", "*"),
        ("NumericEquals", "1"),
        ("NumericLessThan", "1"),
        ("DateLessThan", "2024-06-01T12:00:00Z"),
        ("Bool", "true"),
        ("IpAddress", "0.0.0.0/0"),
        ("ArnLike", "arn:*:*:*:*:*"),
        ("ArnEquals", "arn:aws:s3:::b"),
    ] {
        let c = cond(op, "k", &[value]);
        assert_eq!(
            c.evaluate(&RequestContext::new()),
            ConditionOutcome::FailsMissingKey,
            "{op}"
        );
        // A key of another name does not count.
        assert!(!holds_for(&c, "other", value), "{op}");
    }
}

#[test]
fn missing_key_makes_negated_operators_true() {
    for (op, value) in [
        ("StringNotEquals", "x"),
        ("StringNotEqualsIgnoreCase", "x"),
        ("StringNotLike", "*"),
        ("NumericNotEquals", "1"),
        ("DateNotEquals", "2024-06-01T12:00:00Z"),
        ("NotIpAddress", "0.0.0.0/0"),
        ("ArnNotEquals", "arn:aws:s3:::b"),
        ("ArnNotLike", "arn:*:*:*:*:*"),
    ] {
        assert!(holds_when_missing(&cond(op, "k", &[value])), "{op}");
    }
}

#[test]
fn if_exists_on_missing_key_is_true_for_positive_and_negated() {
    for (op, value) in [
        ("StringEqualsIfExists", "x"),
        ("StringNotEqualsIfExists", "x"),
        ("StringLikeIfExists", "x*"),
        ("NumericLessThanIfExists", "1"),
        ("DateGreaterThanIfExists", "2024-06-01T12:00:00Z"),
        ("BoolIfExists", "true"),
        ("IpAddressIfExists", "10.0.0.0/8"),
        ("NotIpAddressIfExists", "10.0.0.0/8"),
        ("ArnLikeIfExists", "arn:aws:s3:::b"),
        ("ArnNotLikeIfExists", "arn:aws:s3:::b"),
        ("ArnNotEqualsIfExists", "arn:aws:s3:::b"),
    ] {
        assert!(holds_when_missing(&cond(op, "k", &[value])), "{op}");
    }
}

#[test]
fn if_exists_with_the_key_present_is_the_base_operator() {
    let c = cond("StringEqualsIfExists", "aws:SourceVpc", &["vpc-1"]);
    assert!(holds_for(&c, "aws:SourceVpc", "vpc-1"));
    assert!(!holds_for(&c, "aws:SourceVpc", "vpc-2"));
    let n = cond("StringNotEqualsIfExists", "aws:SourceVpc", &["vpc-1"]);
    assert!(!holds_for(&n, "aws:SourceVpc", "vpc-1"));
    assert!(holds_for(&n, "aws:SourceVpc", "vpc-2"));
    let a = cond(
        "ArnNotEqualsIfExists",
        "lambda:SourceFunctionArn",
        &["arn:aws:lambda:us-east-1:111122223333:function:f"],
    );
    assert!(!holds_for(
        &a,
        "lambda:SourceFunctionArn",
        "arn:aws:lambda:us-east-1:111122223333:function:f"
    ));
    assert!(holds_for(
        &a,
        "lambda:SourceFunctionArn",
        "arn:aws:lambda:us-east-1:111122223333:function:g"
    ));
    let num = cond(
        "NumericLessThanIfExists",
        "aws:MultiFactorAuthAge",
        &["3600"],
    );
    assert!(holds_for(&num, "aws:MultiFactorAuthAge", "60"));
    assert!(!holds_for(&num, "aws:MultiFactorAuthAge", "7200"));
}

#[test]
fn failed_outcome_says_whether_the_key_was_missing() {
    let c = cond("StringEquals", "aws:SourceAccount", &["111122223333"]);
    assert_eq!(
        c.evaluate(&RequestContext::new()),
        ConditionOutcome::FailsMissingKey
    );
    assert_eq!(
        c.evaluate(&ctx(&[("aws:SourceAccount", "444455556666")])),
        ConditionOutcome::Fails
    );
    assert_eq!(
        c.evaluate(&ctx(&[("aws:SourceAccount", "111122223333")])),
        ConditionOutcome::Holds
    );
}

#[test]
fn operator_and_key_are_reported_as_written() {
    let c = cond("ForAnyValue:StringLikeIfExists", "AWS:TagKeys", &["a*"]);
    assert_eq!(c.key(), "AWS:TagKeys");
    assert_eq!(c.operator().to_string(), "ForAnyValue:StringLikeIfExists");
}

// ---------------------------------------------------------------- set operators

#[test]
fn for_any_value_needs_one_matching_request_value() {
    let c = cond("ForAnyValue:StringEquals", "aws:TagKeys", &["env", "owner"]);
    assert!(holds(&c, &multi("aws:TagKeys", &["cost", "owner"])));
    assert!(holds(&c, &multi("aws:TagKeys", &["env"])));
    assert!(!holds(&c, &multi("aws:TagKeys", &["cost", "team"])));
    // A single-valued key is a one-element set.
    assert!(holds_for(&c, "aws:TagKeys", "env"));
    assert!(!holds_for(&c, "aws:TagKeys", "cost"));
}

#[test]
fn for_any_value_is_false_on_missing_key_or_empty_set() {
    let c = cond("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]);
    assert!(!holds_when_missing(&c));
    assert!(!holds(&c, &multi("aws:TagKeys", &[])));
    // Even for a negated base operator: R is empty, so no r exists.
    let n = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["env"]);
    assert!(!holds_when_missing(&n));
    assert!(!holds(&n, &multi("aws:TagKeys", &[])));
}

#[test]
fn for_all_values_needs_every_request_value_to_match() {
    let c = cond(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["env", "owner"],
    );
    assert!(holds(&c, &multi("aws:TagKeys", &["env", "owner"])));
    assert!(holds(&c, &multi("aws:TagKeys", &["owner"])));
    assert!(!holds(&c, &multi("aws:TagKeys", &["env", "cost"])));
    assert!(!holds_for(&c, "aws:TagKeys", "cost"));
}

#[test]
fn for_all_values_is_true_on_missing_key_or_empty_set() {
    let c = cond("ForAllValues:StringEquals", "aws:TagKeys", &["env"]);
    assert!(holds_when_missing(&c));
    assert!(holds(&c, &multi("aws:TagKeys", &[])));
    let like = cond("ForAllValues:StringLike", "aws:TagKeys", &["env*"]);
    assert!(holds_when_missing(&like));
}

#[test]
fn for_all_values_string_not_like_doc_table() {
    // Deny with ForAllValues:StringNotLike aws:TagKeys "key1*" (§4.5).
    let c = cond("ForAllValues:StringNotLike", "aws:TagKeys", &["key1*"]);
    assert!(
        !holds(&c, &multi("aws:TagKeys", &["key1"])),
        "[key1] no match"
    );
    assert!(holds(&c, &multi("aws:TagKeys", &["key2"])), "[key2] match");
    assert!(holds_when_missing(&c), "absent: match");
    // Every value must avoid the pattern.
    assert!(!holds(&c, &multi("aws:TagKeys", &["key2", "key1x"])));
    assert!(holds(&c, &multi("aws:TagKeys", &["key2", "key3"])));
}

#[test]
fn for_any_value_string_not_equals_doc_example() {
    let c = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["env"]);
    assert!(holds(&c, &multi("aws:TagKeys", &["env", "owner"])));
    assert!(!holds(&c, &multi("aws:TagKeys", &["env"])));
}

#[test]
fn set_operators_apply_nor_per_request_value() {
    // op(r, P) for a negated operator is NOR over P.
    let all = cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["a", "b"]);
    assert!(holds(&all, &multi("aws:TagKeys", &["c", "d"])));
    assert!(!holds(&all, &multi("aws:TagKeys", &["c", "b"])));
    let any = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a", "b"]);
    assert!(!holds(&any, &multi("aws:TagKeys", &["a", "b"])));
    assert!(holds(&any, &multi("aws:TagKeys", &["a", "c"])));
}

#[test]
fn set_operators_with_if_exists() {
    let any = cond(
        "ForAnyValue:StringLikeIfExists",
        "lambda:Layer",
        &["arn:aws:lambda:*:111122223333:layer:*"],
    );
    assert!(holds_when_missing(&any));
    assert!(holds(
        &any,
        &multi(
            "lambda:Layer",
            &["arn:aws:lambda:us-east-1:111122223333:layer:l:1"]
        )
    ));
    assert!(!holds(
        &any,
        &multi(
            "lambda:Layer",
            &["arn:aws:lambda:us-east-1:999999999999:layer:l:1"]
        )
    ));
    let all = cond("ForAllValues:StringEqualsIfExists", "aws:TagKeys", &["env"]);
    assert!(holds_when_missing(&all));
    assert!(!holds(&all, &multi("aws:TagKeys", &["cost"])));
}

#[test]
fn set_operators_with_other_families() {
    let arn = cond(
        "ForAllValues:ArnLike",
        "lambda:Layer",
        &["arn:aws:lambda:*:111122223333:layer:*"],
    );
    assert!(holds(
        &arn,
        &multi(
            "lambda:Layer",
            &[
                "arn:aws:lambda:us-east-1:111122223333:layer:a:1",
                "arn:aws:lambda:eu-west-1:111122223333:layer:b:2"
            ]
        )
    ));
    assert!(!holds(
        &arn,
        &multi(
            "lambda:Layer",
            &[
                "arn:aws:lambda:us-east-1:111122223333:layer:a:1",
                "arn:aws:lambda:us-east-1:999999999999:layer:b:2"
            ]
        )
    ));
    let num = cond("ForAnyValue:NumericGreaterThan", "k", &["9"]);
    assert!(holds(&num, &multi("k", &["1", "10"])));
    assert!(!holds(&num, &multi("k", &["1", "9"])));
}

// ---------------------------------------------------------------- negated operators, several values

#[test]
fn negated_operators_with_several_values_are_nor() {
    let c = cond(
        "StringNotEquals",
        "aws:PrincipalAccount",
        &["111122223333", "444455556666"],
    );
    // OR of negations would make this true; NOR makes it false.
    assert!(!holds_for(&c, "aws:PrincipalAccount", "111122223333"));
    assert!(!holds_for(&c, "aws:PrincipalAccount", "444455556666"));
    assert!(holds_for(&c, "aws:PrincipalAccount", "999988887777"));
    let ic = cond("StringNotEqualsIgnoreCase", "k", &["A", "B"]);
    assert!(!holds_for(&ic, "k", "b"));
    assert!(holds_for(&ic, "k", "c"));
}

// ---------------------------------------------------------------- policy variables

#[test]
fn variable_in_a_string_condition_resolves() {
    let c = cond("StringLike", "s3:prefix", &["home/${aws:username}/*"]);
    let alice = ctx(&[("aws:username", "alice"), ("s3:prefix", "home/alice/docs")]);
    assert!(holds(&c, &alice));
    let other = ctx(&[("aws:username", "alice"), ("s3:prefix", "home/bob/docs")]);
    assert!(!holds(&c, &other));
    // Variable names are key names: case-insensitive.
    let c = cond(
        "StringEquals",
        "aws:PrincipalTag/team",
        &["${AWS:ResourceTag/Team}"],
    );
    let same = ctx(&[
        ("aws:principaltag/team", "red"),
        ("aws:resourcetag/team", "red"),
    ]);
    assert!(holds(&c, &same));
    let differ = ctx(&[
        ("aws:principaltag/team", "red"),
        ("aws:resourcetag/team", "blue"),
    ]);
    assert!(!holds(&c, &differ));
}

#[test]
fn variable_in_ignore_case_and_arn_conditions() {
    let c = cond("StringEqualsIgnoreCase", "k", &["${aws:username}"]);
    assert!(holds(
        &c,
        &ctx(&[("aws:username", "alice"), ("k", "ALICE")])
    ));
    assert!(!holds(&c, &ctx(&[("aws:username", "alice"), ("k", "bob")])));
    let a = cond(
        "ArnLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::111122223333:user/${aws:username}"],
    );
    assert!(holds(
        &a,
        &ctx(&[
            ("aws:username", "alice"),
            ("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice")
        ])
    ));
    assert!(!holds(
        &a,
        &ctx(&[
            ("aws:username", "alice"),
            ("aws:PrincipalArn", "arn:aws:iam::111122223333:user/bob")
        ])
    ));
}

#[test]
fn unresolved_variable_makes_positive_operators_false() {
    let present = ("aws:PrincipalTag/team", "red");
    for op in ["StringEquals", "StringLike", "StringEqualsIgnoreCase"] {
        let c = cond(op, "aws:PrincipalTag/team", &["${aws:ResourceTag/team}"]);
        assert!(!holds(&c, &ctx(&[present])), "{op}");
    }
    let a = cond(
        "ArnEquals",
        "aws:PrincipalArn",
        &["arn:aws:iam::111122223333:user/${aws:username}"],
    );
    assert!(!holds(
        &a,
        &ctx(&[("aws:PrincipalArn", "arn:aws:iam::111122223333:user/")])
    ));
}

#[test]
fn unresolved_variable_makes_negated_operators_true() {
    // The documented Deny: StringNotEquals s3:ExistingObjectTag/team =
    // ${aws:PrincipalTag/team} hits principals without a team tag.
    let c = cond(
        "StringNotEquals",
        "s3:ExistingObjectTag/team",
        &["${aws:PrincipalTag/team}"],
    );
    assert!(holds(&c, &ctx(&[("s3:ExistingObjectTag/team", "red")])));
    assert!(!holds(
        &c,
        &ctx(&[
            ("s3:ExistingObjectTag/team", "red"),
            ("aws:PrincipalTag/team", "red")
        ])
    ));
    assert!(holds(
        &c,
        &ctx(&[
            ("s3:ExistingObjectTag/team", "red"),
            ("aws:PrincipalTag/team", "blue")
        ])
    ));
    for op in ["StringNotLike", "StringNotEqualsIgnoreCase"] {
        let c = cond(op, "k", &["${aws:username}"]);
        assert!(holds(&c, &ctx(&[("k", "x")])), "{op}");
    }
    let a = cond(
        "ArnNotLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::111122223333:user/${aws:username}"],
    );
    assert!(holds(
        &a,
        &ctx(&[("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice")])
    ));
}

#[test]
fn multivalued_key_never_resolves_as_a_variable() {
    let mut context = multi("aws:TagKeys", &["env"]);
    context.insert("k", ContextValue::Single("env".into()));
    assert!(!holds(
        &cond("StringEquals", "k", &["${aws:TagKeys}"]),
        &context
    ));
    assert!(holds(
        &cond("StringNotEquals", "k", &["${aws:TagKeys}"]),
        &context
    ));
}

#[test]
fn variable_defaults_apply_when_the_key_is_absent() {
    let c = cond(
        "StringEquals",
        "aws:ResourceTag/team",
        &["${aws:PrincipalTag/team, 'company-wide'}"],
    );
    assert!(holds(&c, &ctx(&[("aws:ResourceTag/team", "company-wide")])));
    assert!(!holds(&c, &ctx(&[("aws:ResourceTag/team", "red")])));
    let tagged = ctx(&[
        ("aws:ResourceTag/team", "red"),
        ("aws:PrincipalTag/team", "red"),
    ]);
    assert!(holds(&c, &tagged));
    let tagged_other = ctx(&[
        ("aws:ResourceTag/team", "company-wide"),
        ("aws:PrincipalTag/team", "red"),
    ]);
    assert!(!holds(&c, &tagged_other));
}

#[test]
fn escape_variables_are_literal_characters() {
    let star = cond("StringLike", "k", &["a${*}b"]);
    assert!(holds_for(&star, "k", "a*b"));
    assert!(!holds_for(&star, "k", "axb"));
    assert!(!holds_for(&star, "k", "ab"));
    let question = cond("StringLike", "k", &["v${?}"]);
    assert!(holds_for(&question, "k", "v?"));
    assert!(!holds_for(&question, "k", "v1"));
    let equals_star = cond("StringEquals", "k", &["a${*}"]);
    assert!(holds_for(&equals_star, "k", "a*"));
    assert!(!holds_for(&equals_star, "k", "a${*}"));
    let dollar = cond("StringEquals", "k", &["function:f:${$}LATEST"]);
    assert!(holds_for(&dollar, "k", "function:f:$LATEST"));
    assert!(!holds_for(&dollar, "k", "function:f:${$}LATEST"));
    // Mixed with real wildcards.
    let mixed = cond("StringLike", "k", &["${*}*"]);
    assert!(holds_for(&mixed, "k", "*anything"));
    assert!(!holds_for(&mixed, "k", "anything"));
}

#[test]
fn arn_conditions_substitute_variables_before_splitting() {
    let c = cond(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:s3:::${aws:username}-*"],
    );
    let with = |arn: &str| ctx(&[("aws:username", "alice"), ("aws:SourceArn", arn)]);
    assert!(holds(&c, &with("arn:aws:s3:::alice-data")));
    assert!(!holds(&c, &with("arn:aws:s3:::bob-data")));
    assert!(!holds(
        &c,
        &ctx(&[("aws:SourceArn", "arn:aws:s3:::alice-data")])
    ));
    let star = cond("ArnLike", "aws:SourceArn", &["arn:aws:s3:::bucket${*}"]);
    assert!(holds_for(&star, "aws:SourceArn", "arn:aws:s3:::bucket*"));
    assert!(!holds_for(&star, "aws:SourceArn", "arn:aws:s3:::bucketX"));
    // Still segment-wise after substitution.
    let seg = cond(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:someservice:*:111122223333:${aws:username}/*"],
    );
    let value = "arn:aws:someservice:us-east-2:999999999999:x:111122223333:alice/doc";
    assert!(!holds(
        &seg,
        &ctx(&[("aws:username", "alice"), ("aws:SourceArn", value)])
    ));
    let string_seg = cond(
        "StringLike",
        "aws:SourceArn",
        &["arn:aws:someservice:*:111122223333:${aws:username}/*"],
    );
    assert!(holds(
        &string_seg,
        &ctx(&[("aws:username", "alice"), ("aws:SourceArn", value)])
    ));
}

#[test]
fn legacy_version_has_no_variables() {
    let c = compile_with("StringEquals", "k", &["${aws:username}"], false);
    let alice = ctx(&[("aws:username", "alice"), ("k", "alice")]);
    assert!(!holds(&c, &alice));
    let literal = ctx(&[("aws:username", "alice"), ("k", "${aws:username}")]);
    assert!(holds(&c, &literal));
    // Unresolvable-looking text is plain text, so negation is ordinary too.
    let n = compile_with("StringNotEquals", "k", &["${aws:username}"], false);
    assert!(!holds(&n, &ctx(&[("k", "${aws:username}")])));
    assert!(holds(&n, &ctx(&[("k", "alice")])));
}

/// The condition of a whole policy's only statement.
fn first_condition(doc: &serde_json::Value) -> CompiledCondition {
    let policy = CompiledPolicy::from_value(doc, PolicyKind::Identity);
    assert!(
        policy.diagnostics().iter().all(|d| !d.is_error()),
        "{:?}",
        policy.diagnostics()
    );
    policy.statements()[0].conditions()[0].clone()
}

#[test]
fn policy_version_decides_whether_variables_exist() {
    let doc = |version: Option<&str>| {
        let mut d = serde_json::json!({
            "Statement": {
                "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
            }
        });
        if let Some(v) = version {
            d["Version"] = v.into();
        }
        first_condition(&d)
    };
    let alice = ctx(&[("aws:username", "alice"), ("s3:prefix", "home/alice/x")]);
    let literal = ctx(&[
        ("aws:username", "alice"),
        ("s3:prefix", "home/${aws:username}/x"),
    ]);
    let current = doc(Some("2012-10-17"));
    assert!(holds(&current, &alice));
    assert!(!holds(&current, &literal));
    for legacy in [doc(Some("2008-10-17")), doc(None)] {
        assert!(!holds(&legacy, &alice));
        assert!(holds(&legacy, &literal));
    }
}

#[test]
fn json_booleans_and_numbers_are_condition_values() {
    let b = first_condition(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": false}}}
    }));
    assert!(holds_for(&b, "aws:SecureTransport", "false"));
    assert!(!holds_for(&b, "aws:SecureTransport", "true"));
    let n = first_condition(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10}}}
    }));
    assert!(holds_for(&n, "s3:max-keys", "9"));
    assert!(!holds_for(&n, "s3:max-keys", "11"));
}
