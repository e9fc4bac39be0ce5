use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, RequiredAccess, Rule, RuleMeta};
use policy_core::model::Role;

declare_rule! {
    /// ## What it does
    /// Asks the evaluator whether an execution role may do anything at all:
    /// a set of unrelated, powerful actions on resources it has no business
    /// with (create IAM users, delete buckets, leave the organisation, …) — so
    /// `NotAction` tricks and `*` written any way count, and Deny statements
    /// and boundaries that limit the role are respected. Also fires when the
    /// role may use every IAM action, or assume any role.
    ///
    /// ## Why is this bad?
    /// Anyone who can run code in the function (a dependency, an injection)
    /// owns the account.
    ///
    /// ## Example
    /// An inline policy `{"Effect": "Allow", "NotAction": "iam:DeleteAccountPasswordPolicy", "Resource": "*"}`.
    ///
    /// ## Fix
    /// Replace the broad grant with the actions and resources the function uses.
    pub struct AdminExecutionRole {
        code: "EXR010",
        name: "admin-execution-role",
        category: Security,
        severity: Error,
        summary: "the execution role can do anything (or all of IAM, or assume any role)",
    }
}

impl Rule for AdminExecutionRole {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        let functions = cx.functions_using(&role.arn);
        if functions.is_empty() {
            return;
        }
        let account = &role.account;
        let everything = [
            RequiredAccess::new(
                "iam:CreateUser",
                format!("arn:aws:iam::{account}:user/rolecall-probe"),
            ),
            RequiredAccess::new("s3:DeleteBucket", "arn:aws:s3:::rolecall-probe-bucket"),
            RequiredAccess::new(
                "ec2:TerminateInstances",
                format!("arn:aws:ec2:us-east-1:{account}:instance/i-0123456789abcdef0"),
            ),
            RequiredAccess::new("organizations:LeaveOrganization", "*"),
            RequiredAccess::new(
                "kms:ScheduleKeyDeletion",
                format!("arn:aws:kms:us-east-1:{account}:key/rolecall-probe"),
            ),
            RequiredAccess::new(
                "rds:DeleteDBCluster",
                format!("arn:aws:rds:us-east-1:{account}:cluster:rolecall-probe"),
            ),
        ];
        let iam = [
            RequiredAccess::new(
                "iam:PutRolePolicy",
                format!("arn:aws:iam::{account}:role/rolecall-probe"),
            ),
            RequiredAccess::new(
                "iam:CreateAccessKey",
                format!("arn:aws:iam::{account}:user/rolecall-probe"),
            ),
            RequiredAccess::new(
                "iam:AttachUserPolicy",
                format!("arn:aws:iam::{account}:user/rolecall-probe"),
            ),
            RequiredAccess::new(
                "iam:UpdateAssumeRolePolicy",
                format!("arn:aws:iam::{account}:role/rolecall-probe"),
            ),
        ];
        let assume_any = RequiredAccess::new(
            "sts:AssumeRole",
            "arn:aws:iam::999999999999:role/rolecall-probe",
        );
        let role_allows = cx.role_allows_each(role);
        let all = |probes: &[RequiredAccess]| probes.iter().all(&role_allows);
        let what = if all(&everything) {
            "every action on every resource"
        } else if all(&iam) {
            "every IAM action"
        } else if role_allows(&assume_any) {
            "`sts:AssumeRole` on any role"
        } else {
            return;
        };
        let names: Vec<String> = functions.iter().map(|f| format!("`{}`", f.name)).collect();
        out.report(
            &role.arn,
            format!(
                "`{}`, the execution role of {}, allows {what}",
                role.name,
                names.join(", ")
            ),
        )
        .at(cx.location(role.source.as_ref()))
        .help("grant only the actions and resources the function uses");
    }
}
