//! Questions about what one statement leaves to another in the same
//! document: does one element cover everything another can name, and does
//! an unconditional `Deny` take back an `Allow` whatever the request.
//! Answered with the evaluator's matching (wildcards, ASCII case of action
//! names), never by comparing strings.

use super::{
    Effect, Patterns, PolicyDocument, PrincipalElement, PrincipalEntry, PrincipalKind, Principals,
    Statement,
};
use crate::catalog::placeholders_as_wildcards;
use crate::glob::{patterns_overlap, wildcard_match, Case};

/// Whether every value `inner` can match is matched by `outer`. A pattern
/// covers another when it matches the other's text with the other's
/// wildcards read literally: a `*` or `?` of the inner pattern is then
/// swallowed by a `*` of the outer one (or a `?` by a `?`), which still
/// holds whatever it stands for. Two cases break that reasoning and are not
/// counted: an outer `?` lined up with an inner `*` (one character against
/// any number), and a policy variable (`${aws:username}`), whose value is
/// not its text — the inner one is read as the `*` it could be.
pub fn pattern_covers(outer: &str, inner: &str, case: Case) -> bool {
    covers_text(outer, &placeholders_as_wildcards(inner), case)
}

/// [`pattern_covers`] of an inner pattern whose variables are stars already.
fn covers_text(outer: &str, inner: &str, case: Case) -> bool {
    if !outer.is_empty() && outer.bytes().all(|b| b == b'*') {
        return true;
    }
    !(outer.contains('?') && inner.contains('*')) && wildcard_match(outer, inner, case)
}

/// Whether every value `inner` can match is matched by `outer`: by one of
/// its patterns ([`pattern_covers`]), or — `NotAction`, `NotResource` — by
/// none of the patterns it leaves out. Everything but a list covers
/// patterns that can match nothing of the list, and everything but a
/// shorter list; a list covers everything but another only when it holds
/// `*`.
pub fn covers(outer: &Patterns, inner: &Patterns, case: Case) -> bool {
    covers_within(outer, inner, case, &CoverageBudget::new(u64::MAX))
}

/// [`covers`], as far as `budget` pays: comparing with a pattern that has
/// a wildcard costs the product of the two lengths, with one that has none
/// the length compared.
fn covers_within(outer: &Patterns, inner: &Patterns, case: Case, budget: &CoverageBudget) -> bool {
    // Matching a pattern with a wildcard against text costs up to the
    // product of the lengths, and so does asking whether two patterns
    // overlap when either has one.
    let wild = |text: &str| text.contains(['*', '?']);
    let cost = |pattern: &str, value: &str| {
        let compared = value.len() as u64 + 1;
        if wild(pattern) {
            (pattern.len() as u64 + 1) * compared
        } else {
            compared
        }
    };
    let overlap_cost = |a: &str, b: &str| {
        if wild(a) || wild(b) {
            (a.len() as u64 + 1) * (b.len() as u64 + 1)
        } else {
            a.len() as u64 + 1
        }
    };
    // Compared as the evaluator matches: actions in any ASCII case.
    let folded = |text: &str| -> String {
        let text = placeholders_as_wildcards(text);
        match case {
            Case::AsciiInsensitive => text.to_ascii_lowercase(),
            Case::Sensitive => text.into_owned(),
        }
    };
    let listed_covers = |listed: &str, value: &str| {
        budget.afford(cost(listed, value)) && covers_text(listed, value, case)
    };
    match (outer.negated, inner.negated) {
        (false, false) => inner.values.iter().all(|value| {
            let value = placeholders_as_wildcards(value);
            outer
                .values
                .iter()
                .any(|pattern| listed_covers(pattern, &value))
        }),
        // Everything but `outer`'s list: no value of `inner` may reach it.
        (true, false) => {
            let left_out: Vec<String> = outer.values.iter().map(|l| folded(l)).collect();
            inner.values.iter().all(|value| {
                let value = folded(value);
                left_out.iter().all(|left_out| {
                    budget.afford(overlap_cost(left_out, &value))
                        && !patterns_overlap(left_out, &value)
                })
            })
        }
        // Everything but a list covers everything but another when it
        // leaves out less: each pattern it leaves out, `inner` does too.
        (true, true) => outer.values.iter().all(|left_out| {
            let left_out = placeholders_as_wildcards(left_out);
            inner
                .values
                .iter()
                .any(|pattern| listed_covers(pattern, &left_out))
        }),
        (false, true) => outer.values.iter().any(|pattern| {
            budget.afford(pattern.len() as u64 + 1)
                && !pattern.is_empty()
                && pattern.bytes().all(|b| b == b'*')
        }),
    }
}

/// A budget of work for questions about a document's statements, in steps
/// of comparison (one byte pair of two patterns): comparing two patterns
/// costs up to the product of their lengths, two statements each pattern of
/// one with each of the other's, and a generated or hostile file can hold
/// thousands of long ones. A question the budget cannot pay for is answered
/// as if the comparison failed: nothing is covered, nothing denied.
pub struct CoverageBudget {
    left: std::cell::Cell<u64>,
}

impl CoverageBudget {
    /// A budget of `steps`.
    pub fn new(steps: u64) -> CoverageBudget {
        CoverageBudget {
            left: std::cell::Cell::new(steps),
        }
    }

    /// Whether nothing is left.
    pub fn is_spent(&self) -> bool {
        self.left.get() == 0
    }

    /// Takes `cost` if it is left; once a cost is refused, nothing is.
    fn afford(&self, cost: u64) -> bool {
        let left = self.left.get();
        self.left.set(left.saturating_sub(cost));
        cost <= left
    }
}

/// What comparing two statements costs before any of their patterns is.
const STATEMENT_PAIR_COST: u64 = 64;

/// What each principal of two lists compared costs (sorted, then searched).
const PRINCIPAL_COST: u64 = 64;

/// Whether `inner`, a statement of the same document as `outer`, grants
/// (or refuses) nothing that `outer` does not: the same effect, no
/// `Condition` on `outer`, `outer`'s principal applying to every caller
/// `inner`'s does ([`principal_covers`]), and `outer`'s actions and
/// resources covering `inner`'s ([`covers`]) — as far as `budget` pays.
pub fn statement_covers(outer: &Statement, inner: &Statement, budget: &CoverageBudget) -> bool {
    budget.afford(STATEMENT_PAIR_COST)
        && outer.effect == inner.effect
        && outer.conditions.is_empty()
        && principal_covers(outer.principal.as_ref(), inner.principal.as_ref(), budget)
        && match (&outer.resource, &inner.resource) {
            (Some(o), Some(i)) => covers_within(o, i, Case::Sensitive, budget),
            (None, None) => true,
            _ => false,
        }
        && covers_within(&outer.action, &inner.action, Case::AsciiInsensitive, budget)
}

/// Whether the `Principal`/`NotPrincipal` element `outer` applies to every
/// caller `inner` applies to, principals told apart as the evaluator tells
/// them: an account id and its `:root` ARN are one principal, and `"*"` is
/// `{"AWS": "*"}`. A `Principal` covers another when it names everyone or
/// every principal the other names; a `NotPrincipal` covers another when
/// it leaves out no principal the other does not. Statements without
/// either (identity policies) cover each other. Comparing two lists of
/// principals costs their lengths (times a sort's) of `budget`.
pub fn principal_covers(
    outer: Option<&PrincipalElement>,
    inner: Option<&PrincipalElement>,
    budget: &CoverageBudget,
) -> bool {
    let (outer, inner) = match (outer, inner) {
        (None, None) => return true,
        (Some(outer), Some(inner)) if outer.negated == inner.negated => (outer, inner),
        _ => return false,
    };
    let (listed, within) = if outer.negated {
        // Applying to everyone but a list: outer's list must be part of inner's.
        (outer, inner)
    } else {
        (inner, outer)
    };
    if names_everyone(within) {
        return !outer.negated || names_everyone(listed);
    }
    match (&listed.principals, &within.principals) {
        (Principals::Entries(listed), Principals::Entries(within)) => {
            let cost = (listed.len() + within.len()) as u64 * PRINCIPAL_COST;
            if !budget.afford(cost) {
                return false;
            }
            // Sorted once: a principal list can be long.
            let mut within: Vec<_> = within.iter().map(principal_key).collect();
            within.sort_unstable();
            listed
                .iter()
                .all(|entry| within.binary_search(&principal_key(entry)).is_ok())
        }
        _ => false,
    }
}

/// Whether a principal element names every principal (`"*"`, or `"*"` among
/// its `AWS` principals).
fn names_everyone(element: &PrincipalElement) -> bool {
    match &element.principals {
        Principals::Everyone => true,
        Principals::Entries(entries) => entries
            .iter()
            .any(|e| e.kind == PrincipalKind::Aws && e.value == "*"),
    }
}

/// A principal as the evaluator tells principals apart: an account's
/// `:root` ARN in the `aws` partition stands for the account, as its id
/// does. (The evaluator reads a bare id in any partition and an ARN in its
/// own only: a root ARN of another partition is another principal.)
fn principal_key(entry: &PrincipalEntry) -> (&'static str, &str) {
    let value = entry.value.as_str();
    let root_account = || {
        let account = value.strip_prefix("arn:aws:iam::")?.strip_suffix(":root")?;
        crate::arn::is_account_id(account).then_some(account)
    };
    match entry.kind {
        PrincipalKind::Aws => (entry.kind.key(), root_account().unwrap_or(value)),
        kind => (kind.key(), value),
    }
}

/// How many byte-pair steps of pattern comparison one document's
/// [`Denials`] may spend: comparing two patterns costs up to the product of
/// their lengths, and a hostile file can hold thousands of long ones. Past
/// the budget an action counts as not denied, the answer that keeps a
/// finding.
const WORK_BUDGET: u64 = 1 << 24;

/// The `Action`/`NotAction` lists of a document's `Deny` statements that
/// hold for every request ([`PolicyDocument::unconditional_denials`]),
/// lower-cased once.
pub struct Denials {
    /// `(negated, patterns)`: `NotAction` lists are negated.
    lists: Vec<(bool, Vec<String>)>,
    /// Work left ([`WORK_BUDGET`]).
    budget: CoverageBudget,
}

impl PolicyDocument {
    /// The document's denials that hold whatever the request: `Deny`
    /// statements with no `Condition`, a `Resource` of `*`, and no principal
    /// or every principal. Ask them [`Denials::refuse_everywhere`].
    pub fn unconditional_denials(&self) -> Denials {
        let lists = self
            .statements
            .iter()
            .filter(|s| denies_always(s))
            .map(|s| {
                let patterns = s
                    .action
                    .values
                    .iter()
                    .map(|p| p.to_ascii_lowercase())
                    .collect();
                (s.action.negated, patterns)
            })
            .collect();
        Denials {
            lists,
            budget: CoverageBudget::new(WORK_BUDGET),
        }
    }
}

impl Denials {
    /// Whether these denials refuse every action `action` (a name or a
    /// pattern such as `s3:Get*`) can name, on every resource and to every
    /// caller — so that an `Allow` of it in the same document grants
    /// nothing: an explicit deny always wins. `Deny` + `NotAction` refuses
    /// the actions its list cannot name.
    pub fn refuse_everywhere(&self, action: &str) -> bool {
        if self.lists.is_empty() {
            return false;
        }
        let action = action.to_ascii_lowercase();
        let afford = |listed: &str| {
            let cost = (listed.len() as u64 + 1) * (action.len() as u64 + 1);
            self.budget.afford(cost)
        };
        self.lists.iter().any(|(negated, listed)| {
            if *negated {
                // Every action but those listed: the pattern must reach
                // none of them.
                listed
                    .iter()
                    .all(|l| afford(l) && !patterns_overlap(l, &action))
            } else {
                listed
                    .iter()
                    .any(|l| afford(l) && covers_text(l, &action, Case::Sensitive))
            }
        })
    }
}

/// Whether a statement is a `Deny` that holds for every caller, resource
/// and context. A statement with no `Resource` (a trust policy's) is left
/// out: in any other policy it is invalid.
fn denies_always(statement: &Statement) -> bool {
    let every_resource = statement.resource.as_ref().is_some_and(|resource| {
        !resource.negated
            && resource
                .values
                .iter()
                .any(|r| !r.is_empty() && r.bytes().all(|b| b == b'*'))
    });
    let every_caller = match &statement.principal {
        None => true,
        Some(element) => !element.negated && names_everyone(element),
    };
    statement.effect == Effect::Deny
        && statement.conditions.is_empty()
        && every_resource
        && every_caller
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(statements: serde_json::Value) -> PolicyDocument {
        let value = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
        match PolicyDocument::from_value(&value) {
            Ok(parsed) => parsed.document,
            Err(e) => panic!("test document does not parse: {e}"),
        }
    }

    fn allow_all_and(deny: serde_json::Value) -> PolicyDocument {
        document(serde_json::json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            deny
        ]))
    }

    #[test]
    fn a_statement_covers_another_only_as_far_as_the_budget_pays() {
        let doc = document(serde_json::json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k"}
        ]));
        let (outer, inner) = (&doc.statements[0], &doc.statements[1]);
        let plenty = CoverageBudget::new(1 << 20);
        assert!(statement_covers(outer, inner, &plenty));
        assert!(!statement_covers(inner, outer, &plenty));
        assert!(!plenty.is_spent());
        // The pair's own cost, but not its patterns'.
        let short = CoverageBudget::new(STATEMENT_PAIR_COST + 1);
        assert!(!statement_covers(outer, inner, &short));
        assert!(short.is_spent());
        assert!(!statement_covers(outer, inner, &short));
    }

    #[test]
    fn everything_but_a_list_covers_what_cannot_reach_the_list() {
        let doc = document(serde_json::json!([
            {"Effect": "Allow", "NotAction": ["iam:*", "S3:Delete*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"], "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:delete?bject"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "NotAction": ["iam:*", "s3:Delete*", "kms:*"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:Pass*", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/${aws:username}"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}
        ]));
        let s = &doc.statements;
        let budget = CoverageBudget::new(u64::MAX);
        let covers = |outer: usize, inner: usize| statement_covers(&s[outer], &s[inner], &budget);
        // Actions that cannot reach `iam:*` or `s3:Delete*`, in any case.
        assert!(covers(0, 1));
        assert!(!covers(0, 2), "s3:delete?bject reaches s3:DeleteObject");
        assert!(!covers(0, 3), "s3:* reaches s3:DeleteObject");
        // Leaving out more is granting less; `iam:Pass*` is less than `iam:*`.
        assert!(covers(0, 4));
        assert!(!covers(4, 0));
        assert!(covers(5, 0));
        assert!(!covers(0, 5));
        // Only `*` covers everything but a list.
        assert!(covers(6, 0));
        assert!(!covers(3, 0));
        // `NotResource`: a bucket no value of the other can reach, also
        // through a policy variable; `arn:aws:s3:::*` can reach `secret/`.
        assert!(covers(7, 8));
        assert!(!covers(7, 9));
        // A `*` runs over colons: `arn:*:iam::*` reaches the S3 object
        // `arn:aws:s3:::b/k:iam::z`, which everything but S3 leaves out.
        let doc = document(serde_json::json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:*:iam::*"}
        ]));
        assert!(!statement_covers(
            &doc.statements[0],
            &doc.statements[1],
            &budget
        ));
    }

    #[test]
    fn everything_but_a_list_is_compared_within_the_budget() {
        // A literal left out against a long pattern: the overlap costs the
        // product of the lengths, and is charged so.
        let left_out = format!("s3:{}", "a".repeat(20_000));
        let pattern = format!("s3:*{}b*", "a".repeat(10_000));
        let doc = document(serde_json::json!([
            {"Effect": "Allow", "NotAction": left_out, "Resource": "*"},
            {"Effect": "Allow", "Action": pattern, "Resource": "*"}
        ]));
        let budget = CoverageBudget::new(1 << 20);
        assert!(!statement_covers(
            &doc.statements[0],
            &doc.statements[1],
            &budget
        ));
        assert!(budget.is_spent());
    }

    #[test]
    fn an_action_element_applies_to_what_its_patterns_match() {
        let doc = document(serde_json::json!([
            {"Effect": "Allow", "Action": ["s3:Get*", "IAM:pass?ole"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
        ]));
        let (named, not_named) = (&doc.statements[0].action, &doc.statements[1].action);
        let case = Case::AsciiInsensitive;
        assert!(named.applies_to("iam:PassRole", case));
        assert!(named.applies_to("s3:getobject", case));
        assert!(!named.applies_to("s3:PutObject", case));
        assert!(!named.applies_to("iam:PassRole", Case::Sensitive));
        assert!(!not_named.applies_to("iam:PassRole", case));
        assert!(not_named.applies_to("s3:PutObject", case));
    }

    /// Whether the document's unconditional denials refuse each action
    /// everywhere, as expected.
    fn assert_refused(doc: &PolicyDocument, cases: &[(&str, bool)]) {
        let denials = doc.unconditional_denials();
        for &(action, refused) in cases {
            assert_eq!(denials.refuse_everywhere(action), refused, "{action}");
        }
    }

    #[test]
    fn an_unconditional_deny_on_every_resource_takes_back_what_it_names() {
        let doc = allow_all_and(
            serde_json::json!({"Effect": "Deny", "Action": ["s3:*", "IAM:PassRole"], "Resource": "*"}),
        );
        assert_refused(
            &doc,
            &[
                ("s3:GetObject", true),
                ("s3:Get*", true),
                ("s3:*", true),
                ("iam:passrole", true),
                ("iam:PassRole*", false),
                ("*", false),
                ("dynamodb:GetItem", false),
            ],
        );
    }

    #[test]
    fn deny_not_action_refuses_what_its_list_cannot_name() {
        let doc = allow_all_and(serde_json::json!(
            {"Effect": "Deny", "NotAction": ["s3:GetObject", "logs:*"], "Resource": "*"}
        ));
        assert_refused(
            &doc,
            &[
                ("iam:PassRole", true),
                ("s3:PutObject", true),
                ("ec2:*", true),
                ("s3:GetObject", false),
                ("S3:GETOBJECT", false),
                ("s3:Get*", false),
                ("logs:PutLogEvents", false),
                ("*", false),
            ],
        );
    }

    #[test]
    fn a_deny_that_may_not_hold_takes_back_nothing() {
        for deny in [
            serde_json::json!({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}),
            serde_json::json!({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/*"}),
            serde_json::json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
            serde_json::json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        ] {
            let doc = allow_all_and(deny.clone());
            assert!(
                !doc.unconditional_denials()
                    .refuse_everywhere("s3:GetObject"),
                "{deny}"
            );
        }
    }

    #[test]
    fn in_a_resource_policy_only_a_deny_to_everyone_counts() {
        let with = |principal: serde_json::Value| {
            document(serde_json::json!([
                {"Effect": "Deny", "Principal": principal, "Action": "sqs:*", "Resource": "*"}
            ]))
        };
        assert!(with(serde_json::json!("*"))
            .unconditional_denials()
            .refuse_everywhere("sqs:SendMessage"));
        assert!(with(serde_json::json!({"AWS": "*"}))
            .unconditional_denials()
            .refuse_everywhere("sqs:SendMessage"));
        assert!(!with(serde_json::json!({"AWS": "111122223333"}))
            .unconditional_denials()
            .refuse_everywhere("sqs:SendMessage"));
    }

    #[test]
    fn comparing_long_patterns_stops_at_a_budget_and_keeps_the_grant() {
        let long = |c: &str| format!("zz:{}", c.repeat(5000));
        let doc = allow_all_and(serde_json::json!(
            {"Effect": "Deny", "NotAction": [long("b")], "Resource": "*"}
        ));
        // Refused without a doubt, but past the budget: not counted.
        assert!(!doc.unconditional_denials().refuse_everywhere(&long("a")));
        assert!(doc.unconditional_denials().refuse_everywhere("zz:a"));
    }

    #[test]
    fn a_deny_without_resource_is_no_denial_of_everything() {
        let doc = allow_all_and(serde_json::json!({"Effect": "Deny", "Action": "s3:*"}));
        assert!(!doc
            .unconditional_denials()
            .refuse_everywhere("s3:GetObject"));
    }

    #[test]
    fn covering_reads_inner_wildcards_and_variables_as_what_they_stand_for() {
        assert!(pattern_covers("s3:*", "s3:Get*", Case::AsciiInsensitive));
        assert!(pattern_covers(
            "S3:GET*",
            "s3:GetObject",
            Case::AsciiInsensitive
        ));
        assert!(!pattern_covers(
            "s3:Get?",
            "s3:Get*",
            Case::AsciiInsensitive
        ));
        assert!(pattern_covers("**", "anything", Case::Sensitive));
        assert!(pattern_covers(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/${aws:username}",
            Case::Sensitive
        ));
        assert!(!pattern_covers(
            "arn:aws:s3:::b/home",
            "arn:aws:s3:::b/${aws:username}",
            Case::Sensitive
        ));
    }
}
