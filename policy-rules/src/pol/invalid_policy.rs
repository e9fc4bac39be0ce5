use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;

use super::{subject, user_policy};

declare_rule! {
    /// ## What it does
    /// Reports what makes a policy invalid: a missing `Effect`, `Action` or
    /// `Resource`, an `Effect` other than `Allow`/`Deny`, both `Action` and
    /// `NotAction`, a `Principal` in an identity policy, an unknown element,
    /// a value of the wrong type, a `Principal` written as a string other
    /// than `"*"`, a `Sid` of an identity policy with other characters than
    /// ASCII letters and digits. The location says where.
    ///
    /// ## Why is this bad?
    /// AWS rejects such a policy when it is saved; rolecall evaluates the
    /// invalid statement as granting and denying nothing, which may not be
    /// what you meant — except a principal written as a bare account, ARN or
    /// service name, which it reads as the object it stands for (some tools
    /// and emulators write them). The other rules still read the statements
    /// as written, so one typo (a `Version` with a trailing space) hides
    /// nothing else.
    ///
    /// ## Example
    /// `{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}` (the value is case-sensitive).
    ///
    /// ## Fix
    /// Correct the element as the help says.
    pub struct InvalidPolicy {
        code: "POL001",
        name: "invalid-policy",
        category: Correctness,
        severity: Error,
        summary: "the document is not a valid policy",
    }
}

impl Rule for InvalidPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        if !user_policy(policy) {
            return;
        }
        let diagnostics = policy.diagnostics();
        // A problem read leniently (a bare-string principal) is not told
        // twice when the element is wrong anyway (no principal belongs in
        // an identity policy).
        let told_as_an_error = |d: &&policy_core::diagnostic::Diagnostic| {
            !d.is_error()
                && diagnostics
                    .iter()
                    .any(|e| e.is_error() && e.pointer == d.pointer)
        };
        for d in diagnostics
            .iter()
            .filter(|d| d.makes_the_document_invalid())
            .filter(|d| !told_as_an_error(d))
        {
            // Unknown operators have their own code, POL005.
            if d.message.starts_with("unknown condition operator") {
                continue;
            }
            let finding = out.report(subject(cx, policy), d.message.clone());
            finding.at(cx.policy_location(policy.id, &d.pointer));
            if let Some(help) = &d.help {
                finding.help(help.clone());
            }
        }
        // IAM accepts only ASCII letters and digits in the `Sid` of an
        // identity policy (resource policies of other services allow more).
        if policy.kind() != policy_core::eval::PolicyKind::Identity {
            return;
        }
        let Some(document) = policy.as_written() else {
            return;
        };
        // Statements left out for another error too: each problem shows.
        let sids = document
            .statements
            .iter()
            .filter_map(|s| Some((s.pointer.as_str(), s.sid.as_deref()?)))
            .chain(
                document
                    .left_out
                    .iter()
                    .map(|s| (s.pointer.as_str(), s.sid.as_str())),
            );
        for (pointer, sid) in sids {
            if sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            out.report(
                subject(cx, policy),
                format!("`Sid` `{sid}` has characters IAM refuses in an identity policy"),
            )
            .at(cx.policy_location(policy.id, &format!("{pointer}/Sid")))
            .help("use only ASCII letters and digits (`ReadOrders`)");
        }
    }
}
