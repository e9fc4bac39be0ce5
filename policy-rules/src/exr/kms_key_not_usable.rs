use policy_core::declare_rule;
use policy_core::lint::{describe_missing, Context, Findings, RequiredAccess, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// For a function whose environment variables are encrypted with a
    /// customer managed key (`KMSKeyArn`), asks the evaluator whether the
    /// execution role may `kms:Decrypt` with that key.
    ///
    /// ## Why is this bad?
    /// The function cannot read its configuration and fails at start.
    ///
    /// ## Example
    /// `KMSKeyArn` set to a key no statement of the role mentions.
    ///
    /// ## Fix
    /// Allow `kms:Decrypt` on the key ARN (and let the key policy trust the account).
    pub struct KmsKeyNotUsable {
        code: "EXR009",
        name: "kms-key-not-usable",
        category: Correctness,
        severity: Error,
        summary: "the role cannot decrypt the function's environment with its KMS key",
    }
}

impl Rule for KmsKeyNotUsable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        let Some(key) = function.kms_key.as_deref().filter(|k| !k.is_empty()) else {
            return;
        };
        let missing = cx.missing_access(function, &[RequiredAccess::new("kms:Decrypt", key)]);
        if missing.is_empty() {
            return;
        }
        out.report(
            &function.arn,
            format!(
                "`{}` cannot decrypt its environment with `{key}`: its role lacks {}",
                function.name,
                describe_missing(&missing)
            ),
        )
        .at(cx.location(function.source.as_ref()))
        .help("allow kms:Decrypt on the key in the execution role");
    }
}
